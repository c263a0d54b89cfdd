/**
 * Per-column string index for case-insensitive substring / prefix search (autocomplete, text filters).
 *
 * Made on first use and cached per column object. The index holds the column's distinct values
 * ("entries"): a dictionary column's dictionary, or a utf8 column's values. For each entry it keeps
 * the original string as a range of one big string, the lower-cased string (toLowerCase per value) as
 * a range of another (compareCodePoints on ranges, in place), and (made on first use) a 128-bit signature of hashed
 * lower-cased trigrams: a needle of 3 or more characters is first tested on the signatures (integer tests), and only
 * the candidates are compared. The identity layout's searches skip the signatures: its lower-cased entries follow each
 * other in one string, searched with indexOf (`scanEntries`).
 *
 * Rows map to entries in one of two layouts:
 * - `rowEntries` (dictionary columns, utf8 columns with repeated values): the entry of each row, with a
 *   CSR row list per entry (`rowsOf`) so that counting under a mask visits only the matching rows;
 * - identity (utf8 columns whose values are all distinct): entry k is row k. `sorted` says the values
 *   ascend by code point in row order, so the first matching rows are the smallest values.
 */
import { rowListsOf } from "./column-index";
import type { DictionaryColumn, Utf8Column, Utf8Text } from "./table";

export type MatchMode = "prefix" | "contains";

export interface StringIndex {
  /** Number of entries. */
  readonly size: number;
  /** Original strings: entry k is text.slice(start[k], end[k]). */
  readonly text: string;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Lower-cased strings: entry k is lower.slice(lowerStart[k], lowerEnd[k]). */
  readonly lower: string;
  readonly lowerStart: Int32Array;
  readonly lowerEnd: Int32Array;
  /** Trigram bits, SIGNATURE_WORDS planes: word w of entry k is signatures[w * size + k]. */
  readonly signatures: Uint32Array;
  /** Entry of each row, -1 for null; null in the identity layout (entry k is row k). */
  readonly rowEntries: Int32Array | null;
  /** Identity layout: 1 where the row is not null (null: no null rows). */
  readonly present: Uint8Array | null;
  /** Identity layout: the non-null values strictly ascend by code point in row order. */
  readonly sorted: boolean;
  /** The dictionary of a dictionary column (entry k is dictionary[k]), else null. */
  readonly dictionary: readonly string[] | null;
  /** `text` is all ASCII. */
  readonly ascii: boolean;
  /** Entry k's lower-cased range ends where entry k + 1's begins (`scanEntries` can search `lower`). */
  readonly contiguous: boolean;
}

/** 128 signature bits per entry, in 4 planes of 32 (a query loads only the planes it needs). */
const SIGNATURE_WORDS = 4;
const GRAM = 3;

const indexCache = new WeakMap<DictionaryColumn | Utf8Column, StringIndex>();
const rowsCache = new WeakMap<StringIndex, RowLists>();
const keysCache = new WeakMap<StringIndex, OrderKeys>();

/** The column's index, built on first use and cached per column object. */
export function stringIndexOf(column: DictionaryColumn | Utf8Column): StringIndex {
  let index = indexCache.get(column);
  if (!index) {
    index = column.kind === "dictionary" ? dictionaryIndex(column) : utf8Index(column);
    indexCache.set(column, index);
  }
  return index;
}

/** The original string of entry k. */
export function entryValue(index: StringIndex, k: number): string {
  return index.dictionary ? (index.dictionary[k] ?? "") : index.text.slice(index.start[k] ?? 0, index.end[k] ?? 0);
}

/** Code-point order of entries a and b (compareCodePoints on their original strings, without copies). */
export function compareEntries(index: StringIndex, a: number, b: number): number {
  const { text, start, end } = index;
  return compareRanges(text, start[a] ?? 0, end[a] ?? 0, start[b] ?? 0, end[b] ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// Matching

/**
 * Tests entries against one lower-cased needle. Entry k can only match if
 * `(a[k] & qa) === qa && (b[k] & qb) === qb` (hot loops inline this test): a, b are the two signature
 * planes holding most of the needle's trigram bits, qa, qb those bits. `verify(k)` then tells exactly.
 */
export interface EntryMatcher {
  readonly a: Uint32Array;
  readonly qa: number;
  readonly b: Uint32Array;
  readonly qb: number;
  verify(k: number): boolean;
}

/** A matcher for `needle` (already lower-cased): entries whose lower-cased string starts with / contains it. */
export function entryMatcher(index: StringIndex, needle: string, mode: MatchMode): EntryMatcher {
  const { signatures, size } = index;
  const m = needle.length;
  const query = new Int32Array(SIGNATURE_WORDS);
  for (let j = GRAM - 1; j < m; j++) {
    const bit = gramBit(needle.charCodeAt(j - 2), needle.charCodeAt(j - 1), needle.charCodeAt(j));
    query[bit >>> 5] = (query[bit >>> 5] ?? 0) | (1 << (bit & 31));
  }
  // The two planes with the most bits (a needle of up to 3 trigrams usually has all its bits there).
  const planes = [0, 1, 2, 3].sort((x, y) => bitCount(query[y] ?? 0) - bitCount(query[x] ?? 0));
  const plane = (w: number) => signatures.subarray(w * size, (w + 1) * size);
  const wa = planes[0] ?? 0;
  const wb = planes[1] ?? 0;
  const verify = entryVerifier(index, needle, mode);
  return { a: plane(wa), qa: query[wa] ?? 0, b: plane(wb), qb: query[wb] ?? 0, verify };
}

/** Does entry k's lower-cased string start with / contain `needle` (already lower-cased)? */
export function entryVerifier(index: StringIndex, needle: string, mode: MatchMode): (k: number) => boolean {
  const { lowerStart, lowerEnd } = index;
  const lower = haystack(index, needle);
  const m = needle.length;
  const first = needle.charCodeAt(0);
  if (mode === "prefix") {
    return (k) => {
      const s = lowerStart[k] ?? 0;
      return (lowerEnd[k] ?? 0) - s >= m && lower.startsWith(needle, s);
    };
  }
  if (m === 0) return () => true;
  return (k) => {
    const last = (lowerEnd[k] ?? 0) - m;
    for (let p = lowerStart[k] ?? 0; p <= last; p++) {
      if (lower.charCodeAt(p) !== first) continue;
      let j = 1;
      while (j < m && lower.charCodeAt(p + j) === needle.charCodeAt(j)) j++;
      if (j === m) return true;
    }
    return false;
  };
}

/** The text to search: ASCII text itself for a needle without ASCII letters (same matches), else `lower`. */
function haystack(index: StringIndex, needle: string): string {
  return index.ascii && !/[a-z]/.test(needle) ? index.text : index.lower;
}

/**
 * A contiguous index (the entries' lower-cased ranges follow each other in `lower`): call `visit(k)` for each entry whose lower-cased string starts with / contains `needle`
 * (already lower-cased), in ascending order, until it returns false. The text is searched with
 * indexOf (no signatures needed); a hit that spans two entries is skipped.
 */
export function scanEntries(index: StringIndex, needle: string, mode: MatchMode, visit: (k: number) => boolean): void {
  const { lowerStart, lowerEnd, size } = index;
  const lower = haystack(index, needle);
  const m = needle.length;
  if (m === 0) {
    for (let k = 0; k < size; k++) if (!visit(k)) return;
    return;
  }
  let k = 0;
  let from = 0;
  for (;;) {
    const p = lower.indexOf(needle, from);
    if (p < 0) return;
    k = entryAt(lowerEnd, p, k, size);
    if (k >= size) return;
    const start = lowerStart[k] ?? 0;
    const end = lowerEnd[k] ?? 0;
    if (p + m <= end && (mode === "contains" || p === start)) {
      if (!visit(k)) return;
      from = end;
      k++;
    } else {
      from = mode === "prefix" ? Math.max(p + 1, end) : p + 1;
    }
  }
}

/** The first entry at or after `k` whose range ends after position `p` (ends do not decrease). */
function entryAt(ends: Int32Array, p: number, k: number, size: number): number {
  let lo = k;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ends[mid] ?? 0) > p) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Rows whose lower-cased value starts with / contains `text.toLowerCase()` (1), others and nulls 0:
 * the index-backed form of the contains / prefix filters.
 */
export function matchingRows(column: DictionaryColumn | Utf8Column, text: string, mode: MatchMode): Uint8Array {
  const index = stringIndexOf(column);
  const { rowEntries } = index;
  if (!rowEntries) {
    // identity layout (always contiguous): entry k is row k
    const { present } = index;
    const hit = new Uint8Array(index.size);
    scanEntries(index, text.toLowerCase(), mode, (k) => {
      hit[k] = present ? (present[k] ?? 0) : 1;
      return true;
    });
    return hit;
  }
  const hit = new Uint8Array(index.size);
  if (index.contiguous) {
    scanEntries(index, text.toLowerCase(), mode, (k) => {
      hit[k] = 1;
      return true;
    });
  } else {
    const { a, qa, b, qb, verify } = entryMatcher(index, text.toLowerCase(), mode);
    for (let k = 0; k < index.size; k++) {
      if (((a[k] ?? 0) & qa) === qa && ((b[k] ?? 0) & qb) === qb && verify(k)) hit[k] = 1;
    }
  }
  const out = new Uint8Array(rowEntries.length);
  for (let i = 0; i < out.length; i++) {
    const k = rowEntries[i] ?? -1;
    if (k >= 0) out[i] = hit[k] ?? 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Rows per entry (rowEntries layout)

/** Rows of entry k: rows[offsets[k] .. offsets[k + 1]), ascending. */
export interface RowLists {
  readonly offsets: Int32Array;
  readonly rows: Int32Array;
  /** Entries by row count, descending (a count under any mask is at most this one). */
  readonly byCount: Int32Array;
}

/** The rows of each entry (rowEntries layout): the column index's row lists, without the null slot. */
export function rowsOf(index: StringIndex): RowLists {
  let lists = rowsCache.get(index);
  if (!lists) {
    const { offsets, rows } = rowListsOf(index.rowEntries ?? new Int32Array(0), index.size);
    const perEntry = offsets.subarray(1);
    lists = { offsets: perEntry, rows, byCount: byCountDescending(perEntry, index.size) };
    rowsCache.set(index, lists);
  }
  return lists;
}

/** Counting sort of the entries by their number of rows, most rows first. */
function byCountDescending(offsets: Int32Array, size: number): Int32Array {
  let most = 0;
  for (let k = 0; k < size; k++) most = Math.max(most, (offsets[k + 1] ?? 0) - (offsets[k] ?? 0));
  const at = new Int32Array(most + 2);
  for (let k = 0; k < size; k++) {
    const slot = most - ((offsets[k + 1] ?? 0) - (offsets[k] ?? 0)) + 1;
    at[slot] = (at[slot] ?? 0) + 1;
  }
  for (let c = 1; c < at.length; c++) at[c] = (at[c] ?? 0) + (at[c - 1] ?? 0);
  const order = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const slot = most - ((offsets[k + 1] ?? 0) - (offsets[k] ?? 0));
    const to = at[slot] ?? 0;
    order[to] = k;
    at[slot] = to + 1;
  }
  return order;
}

// ---------------------------------------------------------------------------------------------------
// Order keys (identity layout, unsorted): code-point order without comparing strings

/**
 * Two numbers per entry that order entries like their strings: each packs the next few UTF-16 units
 * (surrogates moved above U+FFFF as compareCodePoints does, 0 past the end) in base `radix`, exactly
 * below 2^53. Equal keys mean equal first 2 * `units` units: compare the strings then.
 */
export interface OrderKeys {
  readonly high: Float64Array;
  readonly low: Float64Array;
}

export function orderKeysOf(index: StringIndex): OrderKeys {
  let keys = keysCache.get(index);
  if (!keys) {
    const { text, start, end, size } = index;
    const { ascii } = index;
    const radix = ascii ? 129 : 0x10001;
    const units = ascii ? 7 : 3;
    const high = new Float64Array(size);
    const low = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      const s = start[k] ?? 0;
      const e = end[k] ?? 0;
      high[k] = packUnits(text, s, e, units, radix);
      low[k] = packUnits(text, s + units, e, units, radix);
    }
    keys = { high, low };
    keysCache.set(index, keys);
  }
  return keys;
}

function packUnits(text: string, from: number, end: number, units: number, radix: number): number {
  let key = 0;
  for (let j = 0; j < units; j++) {
    const p = from + j;
    let u = 0;
    if (p < end) {
      const c = text.charCodeAt(p);
      u = (c < 0xd800 ? c : c >= 0xe000 ? c - 0x800 : c + 0x2000) + 1;
    }
    key = key * radix + u;
  }
  return key;
}

// ---------------------------------------------------------------------------------------------------
// Building

const dictionaryTexts = new WeakMap<readonly string[], Utf8Text>();

/**
 * The decoder's text of a dictionary (entry k is text.slice(offsets[k], offsets[k + 1]), no null
 * entries): its index then uses that text instead of joining the strings again.
 */
export function rememberDictionaryText(dictionary: readonly string[], text: Utf8Text): void {
  if (text.offsets.length === dictionary.length + 1 && !text.valid) dictionaryTexts.set(dictionary, text);
}

function dictionaryIndex(column: DictionaryColumn): StringIndex {
  const { dictionary } = column;
  const size = dictionary.length;
  const known = dictionaryTexts.get(dictionary);
  if (known) {
    const { text, offsets } = known;
    const layout = { rowEntries: column.codes, present: null, sorted: false, dictionary, contiguous: true };
    const ascii = known.ascii ?? isAscii(text);
    return finish({ size, text, start: offsets.subarray(0, size), end: offsets.subarray(1), ascii, ...layout });
  }
  const start = new Int32Array(size);
  const end = new Int32Array(size);
  let at = 0;
  for (let k = 0; k < size; k++) {
    start[k] = at;
    at += (dictionary[k] ?? "").length;
    end[k] = at;
  }
  const text = dictionary.join("");
  const layout = {
    rowEntries: column.codes,
    present: null,
    sorted: false,
    dictionary,
    ascii: isAscii(text),
    contiguous: true,
  };
  return finish({ size, text, start, end, ...layout });
}

function utf8Index(column: Utf8Column): StringIndex {
  const joined = column.text?.() ?? joinValues(column.values);
  const { text, offsets, valid } = joined;
  const ascii = joined.ascii ?? isAscii(text);
  const n = offsets.length - 1;
  const start = offsets.subarray(0, n);
  const end = offsets.subarray(1);
  if (joined.ascending ?? ascendsStrictly(text, offsets, valid)) {
    return finish({
      size: n,
      text,
      start,
      end,
      rowEntries: null,
      present: valid,
      sorted: true,
      dictionary: null,
      ascii,
      contiguous: true,
    });
  }
  const distinct = distinctValues(text, offsets, valid);
  if (distinct.unique) {
    return finish({
      size: n,
      text,
      start,
      end,
      rowEntries: null,
      present: valid,
      sorted: false,
      dictionary: null,
      ascii,
      contiguous: true,
    });
  }
  const { first, rowEntries } = distinct;
  const size = first.length;
  const entryStart = new Int32Array(size);
  const entryEnd = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const row = first[k] ?? 0;
    entryStart[k] = offsets[row] ?? 0;
    entryEnd[k] = offsets[row + 1] ?? 0;
  }
  return finish({
    size,
    text,
    start: entryStart,
    end: entryEnd,
    rowEntries,
    present: null,
    sorted: false,
    dictionary: null,
    ascii,
    contiguous: false,
  });
}

/** A utf8 column without `text()` (e.g. built by makeTable): join its values. */
function joinValues(values: readonly (string | null)[]): Utf8Text {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  let valid: Uint8Array | null = null;
  let at = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = at;
    const value = values[i];
    if (value === null || value === undefined) {
      valid ??= new Uint8Array(n).fill(1);
      valid[i] = 0;
    } else {
      at += value.length;
    }
  }
  offsets[n] = at;
  return { text: values.map((v) => v ?? "").join(""), offsets, valid };
}

type Skeleton = Omit<StringIndex, "lower" | "lowerStart" | "lowerEnd" | "signatures">;

/** Add the lower-cased strings and the signatures. */
function finish(skeleton: Skeleton): StringIndex {
  const { size, text, start, end, ascii } = skeleton;
  let lower: string | null = null;
  let lowerStart = start;
  let lowerEnd = end;
  if (!ascii) {
    // toLowerCase may change lengths ("İ") and depends on context (final "Σ"): per value.
    const parts: string[] = new Array(size);
    lowerStart = new Int32Array(size);
    lowerEnd = new Int32Array(size);
    let at = 0;
    for (let k = 0; k < size; k++) {
      const part = text.slice(start[k] ?? 0, end[k] ?? 0).toLowerCase();
      parts[k] = part;
      lowerStart[k] = at;
      at += part.length;
      lowerEnd[k] = at;
    }
    lower = parts.join("");
  }
  let signatures: Uint32Array | null = null;
  const index: StringIndex = {
    ...skeleton,
    // ASCII lower-casing maps each character alone and keeps lengths: the ranges stay the same, and
    // the string is made on first use (a needle without ASCII letters searches `text` itself).
    get lower() {
      lower ??= text.toLowerCase();
      return lower;
    },
    lowerStart,
    lowerEnd,
    // Made on first use: contiguous indexes are searched with indexOf instead.
    get signatures() {
      signatures ??= trigramSignatures(size, index.lower, lowerStart, lowerEnd);
      return signatures;
    },
  };
  return index;
}

/** 128 bits per entry: the hashed trigrams of its lower-cased string, in SIGNATURE_WORDS planes. */
function trigramSignatures(size: number, lower: string, lowerStart: Int32Array, lowerEnd: Int32Array): Uint32Array {
  const signatures = new Uint32Array(size * SIGNATURE_WORDS);
  for (let k = 0; k < size; k++) {
    const s = lowerStart[k] ?? 0;
    const e = lowerEnd[k] ?? 0;
    if (e - s < GRAM) continue;
    let a = lower.charCodeAt(s);
    let b = lower.charCodeAt(s + 1);
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    let w3 = 0;
    for (let p = s + 2; p < e; p++) {
      const c = lower.charCodeAt(p);
      const bit = gramBit(a, b, c);
      // Branch-free (the plane is unpredictable): ((plane ^ w) - 1) >> 31 is -1 when plane = w, else 0.
      const plane = bit >>> 5;
      const m = 1 << (bit & 31);
      w0 |= m & ((plane - 1) >> 31);
      w1 |= m & (((plane ^ 1) - 1) >> 31);
      w2 |= m & (((plane ^ 2) - 1) >> 31);
      w3 |= m & (((plane ^ 3) - 1) >> 31);
      a = b;
      b = c;
    }
    signatures[k] = w0;
    signatures[size + k] = w1;
    signatures[2 * size + k] = w2;
    signatures[3 * size + k] = w3;
  }
  return signatures;
}

/** The signature bit of a trigram (0 .. 127). */
function gramBit(a: number, b: number, c: number): number {
  return Math.imul(Math.imul(Math.imul(a, 0x2f0b3) ^ b, 0x1b873593) ^ c, 0x9e3779b1) >>> 25;
}

function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function isAscii(text: string): boolean {
  return !/[^\0-\x7f]/.test(text);
}

/** Do the non-null values strictly ascend by code point in row order? (then they are distinct) */
function ascendsStrictly(text: string, offsets: Int32Array, valid: Uint8Array | null): boolean {
  const n = offsets.length - 1;
  let previous = -1;
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) continue;
    if (previous >= 0) {
      const order = compareRanges(
        text,
        offsets[previous] ?? 0,
        offsets[previous + 1] ?? 0,
        offsets[i] ?? 0,
        offsets[i + 1] ?? 0,
      );
      if (order >= 0) return false;
    }
    previous = i;
  }
  return true;
}

/** compareCodePoints on text ranges [a, aEnd) and [b, bEnd). */
function compareRanges(text: string, a: number, aEnd: number, b: number, bEnd: number): number {
  const n = Math.min(aEnd - a, bEnd - b);
  for (let i = 0; i < n; i++) {
    let x = text.charCodeAt(a + i);
    let y = text.charCodeAt(b + i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  const d = aEnd - a - (bEnd - b);
  return d === 0 ? 0 : d < 0 ? -1 : 1;
}

type Distinct = { unique: true } | { unique: false; first: Int32Array; rowEntries: Int32Array };

/** Distinct values by open addressing over the text (no string per row): entry per row, first row per entry. */
function distinctValues(text: string, offsets: Int32Array, valid: Uint8Array | null): Distinct {
  const n = offsets.length - 1;
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  // Slot j holds [hash, entry + 1] at 2j, 2j + 1 (one cache line per probe); entry + 1 = 0 is empty.
  const slots = new Int32Array(2 * capacity);
  const first = new Int32Array(n);
  const rowEntries = new Int32Array(n);
  let size = 0;
  let present = 0;
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) {
      rowEntries[i] = -1;
      continue;
    }
    present++;
    const s = offsets[i] ?? 0;
    const e = offsets[i + 1] ?? 0;
    let h = 0x811c9dc5;
    for (let p = s; p < e; p++) h = Math.imul(h ^ text.charCodeAt(p), 0x01000193);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h ^= h >>> 12;
    let slot = h & (capacity - 1);
    for (;;) {
      const k = (slots[2 * slot + 1] ?? 0) - 1;
      if (k < 0) {
        slots[2 * slot] = h;
        slots[2 * slot + 1] = size + 1;
        first[size] = i;
        rowEntries[i] = size++;
        break;
      }
      if (slots[2 * slot] === h) {
        const row = first[k] ?? 0;
        if (compareRanges(text, offsets[row] ?? 0, offsets[row + 1] ?? 0, s, e) === 0) {
          rowEntries[i] = k;
          break;
        }
      }
      slot = (slot + 1) & (capacity - 1);
    }
  }
  if (size === present) return { unique: true };
  return { unique: false, first: first.slice(0, size), rowEntries };
}
