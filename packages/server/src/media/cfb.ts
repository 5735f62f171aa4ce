/**
 * Legacy Office documents (.doc, .xls, .ppt) are Compound File Binary
 * containers — a small FAT file system inside one file ([MS-CFB]). Windows
 * Installer packages, encrypted OOXML files and many other formats use the
 * same container, so the kind is told by the names of the streams at its root.
 *
 * Only the header, the allocation-table sectors on the directory's chain and
 * the directory itself are read, each with bounded reads, and every chain is
 * checked for loops and out-of-range sectors: the file is hostile until shown
 * otherwise.
 * @module
 */
import type { FileHandle } from "node:fs/promises";
import { ParleyError } from "../errors.js";

/** The legacy Office types a Compound File can be accepted as. */
export type LegacyOfficeType = "DOC" | "XLS" | "PPT";

/** The eight bytes every Compound File starts with. */
export const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const HEADER_BYTES = 512;
/** Sector numbers at or above this are markers (end of chain, free, FAT, DIFAT), not places in the file. */
const MAX_REGULAR_SECTOR = 0xfffffffa;
const END_OF_CHAIN = 0xfffffffe;
const NO_STREAM = 0xffffffff;
const DIRECTORY_ENTRY_BYTES = 128;
const HEADER_DIFAT_ENTRIES = 109;
/** Office directories take a handful of sectors; this is far above any real document and keeps a hostile chain short. */
const MAX_DIRECTORY_SECTORS = 4096;

const ENTRY_STORAGE = 1;
const ENTRY_STREAM = 2;
const ENTRY_ROOT = 5;

/** Root stream names that identify each accepted type. */
const STREAMS_OF: ReadonlyArray<[LegacyOfficeType, readonly string[]]> = [
  ["DOC", ["WordDocument"]],
  ["XLS", ["Workbook", "Book"]],
  ["PPT", ["PowerPoint Document"]],
];
/** An encrypted OOXML document: its contents cannot be inspected, so it cannot be accepted. */
const ENCRYPTED_PACKAGE = "EncryptedPackage";

function corrupt(reason: string): ParleyError {
  return new ParleyError("MEDIA_CORRUPT", `The Compound File is damaged: ${reason}.`);
}

/** Reads sectors of a Compound File by number, refusing numbers outside the file. */
class SectorReader {
  /** Number of sectors after the header, the last one possibly partial. */
  readonly sectorCount: number;

  constructor(
    private readonly handle: FileHandle,
    fileSize: number,
    readonly sectorSize: number,
  ) {
    this.sectorCount = Math.max(0, Math.ceil((fileSize - sectorSize) / sectorSize));
  }

  /** The bytes of one sector; the part of a last sector cut short by the end of the file reads as zeros. */
  async read(sector: number): Promise<Buffer> {
    if (sector > MAX_REGULAR_SECTOR || sector >= this.sectorCount) throw corrupt(`sector ${sector} lies outside the file`);
    const buffer = Buffer.alloc(this.sectorSize);
    // Sector n starts after the header, which takes the room of one sector.
    await this.handle.read(buffer, 0, this.sectorSize, (sector + 1) * this.sectorSize);
    return buffer;
  }
}

/** The file allocation table, read one FAT sector at a time as chains need it. */
class AllocationTable {
  private readonly loaded = new Map<number, Buffer>();

  constructor(
    private readonly sectors: SectorReader,
    /** Where the FAT's own sectors are, in order. */
    private readonly fatSectors: readonly number[],
  ) {}

  /** The sector that follows `sector` in its chain (or a marker such as end of chain). */
  async next(sector: number): Promise<number> {
    const perFatSector = this.sectors.sectorSize / 4;
    const index = Math.floor(sector / perFatSector);
    const fatSector = this.fatSectors[index];
    if (fatSector === undefined) throw corrupt(`sector ${sector} is not covered by the allocation table`);
    let entries = this.loaded.get(index);
    if (entries === undefined) {
      entries = await this.sectors.read(fatSector);
      this.loaded.set(index, entries);
    }
    return entries.readUInt32LE((sector % perFatSector) * 4);
  }
}

/** The header fields this module needs, validated. */
interface Header {
  sectorSize: number;
  fatSectorCount: number;
  firstDirectorySector: number;
  firstDifatSector: number;
  difatSectorCount: number;
  headerDifat: number[];
}

function parseHeader(header: Buffer): Header {
  if (header.length < HEADER_BYTES || !header.subarray(0, 8).equals(CFB_SIGNATURE)) throw corrupt("the header is incomplete");
  const majorVersion = header.readUInt16LE(26);
  const byteOrder = header.readUInt16LE(28);
  const sectorShift = header.readUInt16LE(30);
  if (byteOrder !== 0xfffe) throw corrupt("the byte order mark is wrong");
  // Version 3 files use 512-byte sectors, version 4 files 4096-byte ones; nothing else exists.
  if (!((majorVersion === 3 && sectorShift === 9) || (majorVersion === 4 && sectorShift === 12))) {
    throw corrupt(`version ${majorVersion} with sector shift ${sectorShift} is not a valid combination`);
  }
  const headerDifat: number[] = [];
  for (let i = 0; i < HEADER_DIFAT_ENTRIES; i++) headerDifat.push(header.readUInt32LE(76 + i * 4));
  return {
    sectorSize: 1 << sectorShift,
    fatSectorCount: header.readUInt32LE(44),
    firstDirectorySector: header.readUInt32LE(48),
    firstDifatSector: header.readUInt32LE(68),
    difatSectorCount: header.readUInt32LE(72),
    headerDifat,
  };
}

/**
 * Where the FAT's sectors are: the first 109 are listed in the header, the rest
 * in a chain of DIFAT sectors, each ending with the number of the next one.
 */
async function locateFatSectors(sectors: SectorReader, header: Header): Promise<number[]> {
  const { sectorSize, fatSectorCount } = header;
  // Each FAT sector maps sectorSize / 4 sectors: a table larger than the file could need is a lie.
  if (fatSectorCount > Math.ceil(sectors.sectorCount / (sectorSize / 4)) + 1) {
    throw corrupt("the allocation table is larger than the file");
  }
  const fatSectors = header.headerDifat.slice(0, Math.min(fatSectorCount, HEADER_DIFAT_ENTRIES));
  const perDifatSector = sectorSize / 4 - 1;
  const seen = new Set<number>();
  let difatSector = header.firstDifatSector;
  while (fatSectors.length < fatSectorCount) {
    if (difatSector > MAX_REGULAR_SECTOR) throw corrupt("the DIFAT chain ends before listing every FAT sector");
    if (seen.has(difatSector)) throw corrupt("the DIFAT chain loops");
    if (seen.size >= header.difatSectorCount) throw corrupt("the DIFAT chain is longer than the header says");
    seen.add(difatSector);
    const entries = await sectors.read(difatSector);
    for (let i = 0; i < perDifatSector && fatSectors.length < fatSectorCount; i++) fatSectors.push(entries.readUInt32LE(i * 4));
    difatSector = entries.readUInt32LE(perDifatSector * 4);
  }
  return fatSectors;
}

/** The directory stream: the chain of sectors from the header's first directory sector, bounded and loop-checked. */
async function readDirectory(sectors: SectorReader, fat: AllocationTable, firstSector: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const seen = new Set<number>();
  let sector = firstSector;
  while (sector !== END_OF_CHAIN) {
    if (seen.has(sector)) throw corrupt("the directory chain loops");
    if (seen.size >= MAX_DIRECTORY_SECTORS) throw corrupt("the directory is implausibly large");
    seen.add(sector);
    chunks.push(await sectors.read(sector));
    sector = await fat.next(sector);
  }
  if (chunks.length === 0) throw corrupt("there is no directory");
  return Buffer.concat(chunks);
}

/** One directory entry, as far as this module needs it. */
interface DirectoryEntry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
}

function directoryEntry(directory: Buffer, id: number): DirectoryEntry {
  const offset = id * DIRECTORY_ENTRY_BYTES;
  const nameBytes = directory.readUInt16LE(offset + 64);
  // The length counts the terminating NUL: an even number of bytes, at most 32 UTF-16 units.
  if (nameBytes > 64 || nameBytes % 2 !== 0) throw corrupt(`directory entry ${id} has a bad name length`);
  return {
    name: directory.toString("utf16le", offset, offset + Math.max(0, nameBytes - 2)),
    type: directory.readUInt8(offset + 66),
    left: directory.readUInt32LE(offset + 68),
    right: directory.readUInt32LE(offset + 72),
    child: directory.readUInt32LE(offset + 76),
  };
}

/**
 * The names of the streams and storages directly inside the root storage. The
 * children of a storage form a tree through their left and right sibling
 * links; streams of embedded objects live deeper and are not returned, so a
 * Word document embedding a spreadsheet still reads as Word.
 */
function rootChildren(directory: Buffer): string[] {
  const entryCount = Math.floor(directory.length / DIRECTORY_ENTRY_BYTES);
  const root = directoryEntry(directory, 0);
  if (root.type !== ENTRY_ROOT) throw corrupt("the first directory entry is not the root");
  const names: string[] = [];
  const seen = new Set<number>();
  const pending = root.child === NO_STREAM ? [] : [root.child];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (id >= entryCount) throw corrupt(`directory entry ${id} does not exist`);
    if (seen.has(id)) throw corrupt("the directory tree loops");
    seen.add(id);
    const entry = directoryEntry(directory, id);
    if (entry.type === ENTRY_STREAM || entry.type === ENTRY_STORAGE) names.push(entry.name);
    if (entry.left !== NO_STREAM) pending.push(entry.left);
    if (entry.right !== NO_STREAM) pending.push(entry.right);
  }
  return names;
}

/**
 * Decides which legacy Office type a Compound File is from the streams at its root.
 *
 * @param handle - the open file, which starts with {@link CFB_SIGNATURE}
 * @param size - its size in bytes
 * @throws ParleyError `MEDIA_CORRUPT` when the header, an allocation chain or the directory is broken;
 *   `MEDIA_TYPE_NOT_ALLOWED` when it is an encrypted document or not an Office document (an MSI, for one)
 */
export async function detectLegacyOffice(handle: FileHandle, size: number): Promise<LegacyOfficeType> {
  const headerBytes = Buffer.alloc(HEADER_BYTES);
  const { bytesRead } = await handle.read(headerBytes, 0, HEADER_BYTES, 0);
  const header = parseHeader(headerBytes.subarray(0, bytesRead));
  const sectors = new SectorReader(handle, size, header.sectorSize);
  const fat = new AllocationTable(sectors, await locateFatSectors(sectors, header));
  const names = rootChildren(await readDirectory(sectors, fat, header.firstDirectorySector));
  // Names in a Compound File compare without regard to case.
  const present = new Set(names.map((name) => name.toUpperCase()));
  if (present.has(ENCRYPTED_PACKAGE.toUpperCase())) {
    throw new ParleyError("MEDIA_TYPE_NOT_ALLOWED", "Encrypted documents cannot be checked, so they are not accepted.", {
      detected: "encrypted-office",
    });
  }
  for (const [type, streams] of STREAMS_OF) {
    if (streams.some((stream) => present.has(stream.toUpperCase()))) return type;
  }
  throw new ParleyError("MEDIA_TYPE_NOT_ALLOWED", undefined, { detected: "cfb" });
}
