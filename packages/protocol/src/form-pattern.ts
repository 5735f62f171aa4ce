/**
 * The patterns an admin may give a pre-chat field, and their matcher.
 *
 * A field's pattern is run on text the internet sends, so it must not be able
 * to stall the server (a backtracking regular expression such as `(a+)+$` takes
 * exponential time). Patterns are therefore not handed to `RegExp`: they are
 * parsed here into a small automaton that is run state-set by state-set
 * (Thompson's construction), whose time is bounded by the input's length
 * times the automaton's size, for any pattern. No timeout is needed.
 *
 * The syntax is a subset of JavaScript's: literal characters, `.`, classes
 * `[a-z0-9_]` and `[^…]`, the escapes `\d \D \w \W \s \S` and escaped
 * punctuation, groups `( … )` and `(?: … )`, alternation `|`, and the
 * quantifiers `? * + {n} {n,} {n,m}`. A pattern must match the whole value
 * (as an HTML `pattern` attribute does); a leading `^` and a trailing `$` are
 * allowed and change nothing. Back-references, look-arounds, lazy quantifiers
 * and flags are refused.
 *
 * No schema library here: the widget runs the same matcher.
 * @module
 */

/** Longest pattern, in characters. */
export const MAX_FORM_PATTERN_LENGTH = 200;
/** Most automaton states a pattern may compile to (counted repetitions expand). */
export const MAX_FORM_PATTERN_STATES = 500;
/** Largest bound of a counted repetition `{n,m}`. */
const MAX_REPEAT = 1000;

type CharTest = (code: number) => boolean;

type Node =
  | { t: "char"; test: CharTest }
  | { t: "seq"; items: Node[] }
  | { t: "alt"; branches: Node[] }
  | { t: "rep"; node: Node; min: number; max: number };

/** A pattern that may not be used, and why. */
export class FormPatternError extends Error {}

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace: CharTest = (c) => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const not =
  (test: CharTest): CharTest =>
  (c) =>
    !test(c);
const CLASS_ESCAPES: Record<string, CharTest> = { d: isDigit, D: not(isDigit), w: isWord, W: not(isWord), s: isSpace, S: not(isSpace) };
/** Characters that may follow a backslash to stand for themselves. */
const PUNCTUATION = "\\^$.|?*+()[]{}/-";

class Parser {
  private i = 0;
  private readonly chars: string[];

  constructor(pattern: string) {
    this.chars = [...pattern];
  }

  parse(): Node {
    if (this.chars[0] === "^") this.i = 1;
    const end = this.chars.length > this.i && this.chars[this.chars.length - 1] === "$" && this.chars[this.chars.length - 2] !== "\\" ? this.chars.length - 1 : this.chars.length;
    const node = this.alternation(end);
    if (this.i !== end) throw new FormPatternError(`unexpected "${this.chars[this.i]}" at ${this.i}`);
    return node;
  }

  private alternation(end: number): Node {
    const branches = [this.sequence(end)];
    while (this.i < end && this.chars[this.i] === "|") {
      this.i++;
      branches.push(this.sequence(end));
    }
    return branches.length === 1 ? branches[0]! : { t: "alt", branches };
  }

  private sequence(end: number): Node {
    const items: Node[] = [];
    while (this.i < end && this.chars[this.i] !== "|" && this.chars[this.i] !== ")") {
      items.push(this.quantified(this.atom(end), end));
    }
    return { t: "seq", items };
  }

  private quantified(node: Node, end: number): Node {
    const c = this.chars[this.i];
    let min: number;
    let max: number;
    if (c === "?") [min, max] = [0, 1];
    else if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "{") {
      const close = this.chars.indexOf("}", this.i);
      const body = close < 0 || close >= end ? "" : this.chars.slice(this.i + 1, close).join("");
      const match = /^(\d{1,4})(,(\d{0,4}))?$/.exec(body);
      if (match === null) throw new FormPatternError(`bad repetition at ${this.i}`);
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === "" ? Infinity : Number(match[3]);
      if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || max < min))) throw new FormPatternError(`bad repetition at ${this.i}`);
      this.i = close;
    } else return node;
    this.i++;
    const next = this.chars[this.i];
    if (next === "?" || next === "*" || next === "+" || next === "{") throw new FormPatternError(`lazy or repeated quantifier at ${this.i}`);
    return { t: "rep", node, min, max };
  }

  private atom(end: number): Node {
    const c = this.chars[this.i]!;
    this.i++;
    if (c === "(") {
      if (this.chars[this.i] === "?") {
        if (this.chars[this.i + 1] !== ":") throw new FormPatternError(`only (?: groups are allowed, at ${this.i - 1}`);
        this.i += 2;
      }
      const inner = this.alternation(end);
      if (this.chars[this.i] !== ")") throw new FormPatternError("unclosed group");
      this.i++;
      return inner;
    }
    if (c === "[") return { t: "char", test: this.charClass(end) };
    if (c === ".") return { t: "char", test: (code) => code !== 10 && code !== 13 && code !== 0x2028 && code !== 0x2029 };
    if (c === "\\") return { t: "char", test: this.escape() };
    if ("?*+{".includes(c)) throw new FormPatternError(`nothing to repeat at ${this.i - 1}`);
    if (c === ")" || c === "]" || c === "}" || c === "^" || c === "$") throw new FormPatternError(`unexpected "${c}" at ${this.i - 1}`);
    const code = c.codePointAt(0)!;
    return { t: "char", test: (other) => other === code };
  }

  private escape(): CharTest {
    const c = this.chars[this.i];
    this.i++;
    if (c === undefined) throw new FormPatternError("pattern ends with \\");
    const known = CLASS_ESCAPES[c];
    if (known !== undefined) return known;
    if (!PUNCTUATION.includes(c)) throw new FormPatternError(`unsupported escape \\${c}`);
    const code = c.codePointAt(0)!;
    return (other) => other === code;
  }

  private charClass(end: number): CharTest {
    const negated = this.chars[this.i] === "^";
    if (negated) this.i++;
    const tests: CharTest[] = [];
    let first = true;
    while (this.i < end && (this.chars[this.i] !== "]" || first)) {
      first = false;
      const single = this.classChar();
      if (typeof single === "function") {
        tests.push(single);
        continue;
      }
      if (this.chars[this.i] === "-" && this.chars[this.i + 1] !== "]" && this.i + 1 < end) {
        this.i++;
        const upper = this.classChar();
        if (typeof upper === "function" || upper < single) throw new FormPatternError(`bad range at ${this.i}`);
        tests.push((code) => code >= single && code <= upper);
      } else tests.push((code) => code === single);
    }
    if (this.chars[this.i] !== "]") throw new FormPatternError("unclosed [");
    this.i++;
    const any: CharTest = (code) => tests.some((test) => test(code));
    return negated ? not(any) : any;
  }

  /** A character of a class: its code point, or a test for `\d` and the like. */
  private classChar(): number | CharTest {
    const c = this.chars[this.i]!;
    this.i++;
    if (c === "[") throw new FormPatternError("nested [ in a class");
    if (c !== "\\") return c.codePointAt(0)!;
    const next = this.chars[this.i];
    this.i++;
    if (next === undefined) throw new FormPatternError("pattern ends with \\");
    const known = CLASS_ESCAPES[next];
    if (known !== undefined) return known;
    if (!PUNCTUATION.includes(next)) throw new FormPatternError(`unsupported escape \\${next}`);
    return next.codePointAt(0)!;
  }
}

/** An automaton state: a character step to `out`, a split to two states, or the match. */
type State = { kind: "char"; test: CharTest; out: number } | { kind: "split"; a: number; b: number } | { kind: "match" };

/** Builds states for nodes; each fragment is entered at `start` and leaves through the holes it lists. */
class Compiler {
  readonly states: State[] = [];

  private add(state: State): number {
    if (this.states.length >= MAX_FORM_PATTERN_STATES) throw new FormPatternError("pattern too complex");
    this.states.push(state);
    return this.states.length - 1;
  }

  /** Compiles `node` so that it continues to state `next`; returns its entry. */
  build(node: Node, next: number): number {
    switch (node.t) {
      case "char":
        return this.add({ kind: "char", test: node.test, out: next });
      case "seq": {
        let entry = next;
        for (let k = node.items.length - 1; k >= 0; k--) entry = this.build(node.items[k]!, entry);
        return entry;
      }
      case "alt": {
        let entry = this.build(node.branches[node.branches.length - 1]!, next);
        for (let k = node.branches.length - 2; k >= 0; k--) entry = this.add({ kind: "split", a: this.build(node.branches[k]!, next), b: entry });
        return entry;
      }
      case "rep": {
        let entry = next;
        if (node.max === Infinity) {
          // A loop: the split either enters the body (which comes back to it) or leaves.
          const split = this.add({ kind: "split", a: -1, b: next });
          const body = this.build(node.node, split);
          (this.states[split] as { a: number }).a = body;
          entry = split;
        } else {
          for (let k = node.min; k < node.max; k++) entry = this.add({ kind: "split", a: this.build(node.node, entry), b: next });
        }
        for (let k = 0; k < node.min; k++) entry = this.build(node.node, entry);
        return entry;
      }
    }
  }
}

/** A checked pattern, ready to test values in time linear in their length. */
export interface FormPattern {
  test(value: string): boolean;
}

/**
 * Compiles an admin's pattern, or throws {@link FormPatternError} saying why
 * it may not be used (syntax outside the subset, too long, too complex).
 */
export function compileFormPattern(pattern: string): FormPattern {
  if (pattern.length > MAX_FORM_PATTERN_LENGTH) throw new FormPatternError(`longer than ${MAX_FORM_PATTERN_LENGTH} characters`);
  const compiler = new Compiler();
  const accept = compiler.states.push({ kind: "match" }) - 1;
  const start = compiler.build(new Parser(pattern).parse(), accept);
  const states = compiler.states;
  // One mark per state and step, so a closure visits each state once without allocating a set.
  const marks = new Uint32Array(states.length);
  let step = 0;
  /** The states reachable from `from` without reading a character (each once, so empty loops end). */
  const closure = (from: number[]): number[] => {
    step++;
    const out: number[] = [];
    const stack = from;
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (marks[id] === step) continue;
      marks[id] = step;
      const state = states[id]!;
      if (state.kind === "split") stack.push(state.b, state.a);
      else out.push(id);
    }
    return out;
  };
  return {
    test(value) {
      let current = closure([start]);
      for (const char of value) {
        const code = char.codePointAt(0)!;
        const next: number[] = [];
        for (const id of current) {
          const state = states[id]!;
          if (state.kind === "char" && state.test(code)) next.push(state.out);
        }
        if (next.length === 0) return false;
        current = closure(next);
      }
      return current.some((id) => states[id]!.kind === "match");
    },
  };
}

/** Why `pattern` may not be used, or null when it may. */
export function formPatternProblem(pattern: string): string | null {
  try {
    compileFormPattern(pattern);
    return null;
  } catch (error) {
    if (error instanceof FormPatternError) return error.message;
    throw error;
  }
}
