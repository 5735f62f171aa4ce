/**
 * The tenant choke point, checked on the server's source with the TypeScript
 * compiler: outside the install-level files, every query is built from a
 * `TenantDb` (which adds `tenant = ?` itself); a join or a correlated
 * subquery that reaches a tenant table matches `tenant`; raw SQL on a tenant
 * table names `tenant`. Types, not names, tell a `TenantDb` apart, so a
 * renamed variable cannot fool the check.
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

/** The tables whose rows belong to a tenant (`TenantTable` in store/tenant-db.ts). */
export const TENANT_TABLES = ["agents", "contacts", "participants", "events", "media", "message_media", "audit_log", "job_leases", "api_keys", "agent_presence", "call_data", "queue_settings", "surveys", "offline_messages", "chat_notes", "queues", "queue_members", "chat_routing", "webhook_endpoints", "webhook_deliveries", "canned_responses", "visitor_contexts", "invitations", "prechat_forms", "chat_prechat"] as const;

/**
 * Files that may build queries on the raw Kysely instance, relative to
 * packages/server/src, each with why. Anything they read of a tenant is
 * acted on through that tenant's scope.
 */
export const INSTALL_LEVEL: Record<string, string> = {
  "store/tenant-db.ts": "the door itself: it adds the tenant to every query it builds",
  "store/migrations.ts": "schema changes and backfills, across every tenant by nature",
  "store/postgres-migrations.ts": "schema changes",
  "store/tenant-queries.ts": "the tenants table, which no tenant owns",
  "store/install-queries.ts": "the meta table, and jobs that visit every tenant's rows and return each row's tenant",
  "blobs/postgres.ts": "content-addressed blob tables, referred to by the media rows of tenants",
  "store/blob-references.ts": "whether any tenant's file still names a blob: blobs are shared by content across tenants",
};

/** Files where raw SQL is schema DDL, not a query. */
const SCHEMA_FILES = new Set(["store/migrations.ts", "store/postgres-migrations.ts"]);

const BUILDERS = new Set(["selectFrom", "insertInto", "updateTable", "deleteFrom", "replaceInto", "mergeInto"]);
const JOINS = new Set(["innerJoin", "leftJoin", "rightJoin", "fullJoin", "crossJoin", "innerJoinLateral", "leftJoinLateral"]);
/** Calls whose string argument is SQL text. */
const RAW_CALLS = new Set(["prepare", "exec", "raw", "query"]);

const TABLE_ALTERNATION = TENANT_TABLES.join("|");
/** A tenant table as a statement names it: after FROM, INTO, UPDATE or JOIN. */
const RAW_TENANT_TABLE = new RegExp(`\\b(?:from|into|update|join)\\s+"?(?:${TABLE_ALTERNATION})\\b`, "i");
/** A reference to a tenant table's tenant column in a builder's text: `"contacts.tenant"`. */
const tenantRef = (table: string) => new RegExp(`["'\`]${table}\\.tenant["'\`]`);

export interface Violation {
  /** Relative to packages/server/src. */
  file: string;
  line: number;
  rule: "raw builder" | "join without tenant" | "raw SQL without tenant";
  text: string;
}

/** Every .ts file under `dir`. */
export function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files;
}

/** The table a builder or join names (`"media"`, `"media as m"`), when it is a string literal. */
function tableOf(call: ts.CallExpression): string | undefined {
  const arg = call.arguments[0];
  if (arg === undefined || !ts.isStringLiteralLike(arg)) return undefined;
  return arg.text.split(/\s+as\s+/i)[0]?.trim();
}

/** The outermost call chain this call belongs to (`a.b(..).c(..).d(..)`), whose text holds its `where`s. */
function chainOf(node: ts.Node): ts.Node {
  let current: ts.Node = node;
  while (ts.isPropertyAccessExpression(current.parent) || ts.isCallExpression(current.parent) || ts.isNonNullExpression(current.parent)) {
    current = current.parent;
  }
  return current;
}

function isTenantDb(checker: ts.TypeChecker, expression: ts.Expression): boolean {
  const type = checker.getTypeAtLocation(expression);
  return (type.getSymbol() ?? type.aliasSymbol)?.getName() === "TenantDb";
}

/** The SQL text of a raw call or tagged template, as written (quotes and `${…}` included). */
function rawText(node: ts.CallExpression | ts.TaggedTemplateExpression): string | undefined {
  if (ts.isTaggedTemplateExpression(node)) {
    const tag = node.tag.getText();
    return tag === "sql" || tag.startsWith("sql<") ? node.template.getText() : undefined;
  }
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || !RAW_CALLS.has(callee.name.text)) return undefined;
  const arg = node.arguments[0];
  if (arg === undefined || ts.isObjectLiteralExpression(arg) || ts.isArrowFunction(arg)) return undefined;
  return arg.getText();
}

/** The violations in one source file of the program. */
export function checkFile(checker: ts.TypeChecker, source: ts.SourceFile, file: string): Violation[] {
  const violations: Violation[] = [];
  const installLevel = file in INSTALL_LEVEL;
  const report = (node: ts.Node, rule: Violation["rule"]) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    violations.push({ file, line, rule, text: node.getText(source).split("\n")[0]!.slice(0, 120) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const table = tableOf(node);
      if (BUILDERS.has(method) && !installLevel && !isTenantDb(checker, node.expression.expression)) {
        // A correlated subquery (`eb.selectFrom(…)`) may reach a tenant table when it matches the outer row's tenant.
        const correlated = table !== undefined && (TENANT_TABLES as readonly string[]).includes(table) && tenantRef(table).test(chainOf(node).getText(source));
        if (!correlated) report(node, "raw builder");
      }
      if (JOINS.has(method) && table !== undefined && (TENANT_TABLES as readonly string[]).includes(table) && !SCHEMA_FILES.has(file)) {
        if (!tenantRef(table).test(node.getText(source))) report(node, "join without tenant");
      }
    }
    if ((ts.isCallExpression(node) || ts.isTaggedTemplateExpression(node)) && !SCHEMA_FILES.has(file)) {
      const text = rawText(node);
      // Interpolated values are not SQL: a variable named `tenant` does not make a statement name its tenant.
      const sqlText = text?.replace(/\$\{[^}]*\}/g, "?");
      if (sqlText !== undefined && RAW_TENANT_TABLE.test(sqlText) && !/\btenant\b/.test(sqlText)) report(node, "raw SQL without tenant");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return violations;
}

/**
 * Checks every file under `root` (packages/server/src). `extra` adds
 * in-memory files (path → text) to the program, so the check itself can be
 * shown to catch what it must.
 */
export function checkTenantScope(root: string, extra: Record<string, string> = {}): Violation[] {
  const files = [...sourceFiles(root), ...Object.keys(extra)];
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (path) => path in extra || fileExists.call(host, path);
  host.readFile = (path) => extra[path] ?? readFile.call(host, path);
  host.getSourceFile = (path, language, ...rest) =>
    path in extra ? ts.createSourceFile(path, extra[path]!, language, true) : getSourceFile.call(host, path, language, ...rest);
  const program = ts.createProgram(files, options, host);
  const checker = program.getTypeChecker();
  const violations: Violation[] = [];
  for (const path of files) {
    const source = program.getSourceFile(path);
    if (source === undefined) throw new Error(`${path} is not in the program`);
    violations.push(...checkFile(checker, source, relative(root, path)));
  }
  return violations;
}
