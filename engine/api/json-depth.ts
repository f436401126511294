/**
 * Where JSON text first nests deeper than `maxDepth` containers, found in one pass over the characters
 * without parsing: the path of the container that is one level too deep (keys and indexes, as
 * `jsonProblem` names it), or null. Brackets inside strings do not count.
 *
 * Why before parsing: `JSON.parse` of a 4 MB body nested 2,000,000 deep, and then a walk of the result, held
 * the event loop for most of a second (security review L5) only to refuse it. This stops at the 65th bracket.
 * Text that is not JSON at all may pass here; JSON.parse judges it afterwards.
 *
 * @example tooDeepAt('{"a":[[1]]}', 2) // ['a', 0]
 */
export function tooDeepAt(text: string, maxDepth: number): (string | number)[] | null {
  // per open container: an array's current index, or where an object's current key is in the text
  const arrays: boolean[] = [];
  const index: number[] = [];
  const keyStart: number[] = [];
  const keyEnd: number[] = [];
  const expectKey: boolean[] = [];
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const top = depth - 1;
      if (depth > 0 && !arrays[top] && expectKey[top]) {
        keyStart[top] = i;
        keyEnd[top] = j + 1;
        expectKey[top] = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= maxDepth) return pathAt(text, depth, arrays, index, keyStart, keyEnd);
      arrays[depth] = c === 0x5b;
      index[depth] = 0;
      keyStart[depth] = -1;
      keyEnd[depth] = -1;
      expectKey[depth] = c === 0x7b;
      depth++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth > 0) depth--;
    } else if (c === 0x2c /* , */ && depth > 0) {
      if (arrays[depth - 1]) index[depth - 1]++;
      else expectKey[depth - 1] = true;
    }
  }
  return null;
}

function pathAt(
  text: string,
  depth: number,
  arrays: boolean[],
  index: number[],
  keyStart: number[],
  keyEnd: number[],
): (string | number)[] {
  const path: (string | number)[] = [];
  for (let d = 0; d < depth; d++) {
    if (arrays[d]) path.push(index[d]);
    else if (keyStart[d] < 0) path.push('');
    else {
      const raw = text.slice(keyStart[d], keyEnd[d]);
      try {
        path.push(JSON.parse(raw) as string);
      } catch {
        path.push(raw.slice(1, -1));
      }
    }
  }
  return path;
}
