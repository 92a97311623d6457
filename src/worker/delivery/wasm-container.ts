// A cheap structural check of a WebAssembly binary before it is trusted or cached: the magic number,
// the version, and sections that exactly fill the file. It catches what delivery breaks (a body cut
// short, an error page or JSON served with 200) in microseconds, where WebAssembly.validate() of
// onnxruntime's 27 MB binary takes a quarter of a second on every start.

const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // '\0asm', version 1

/** Reads an unsigned LEB128 at `offset`: [value, next offset], or undefined past the end. */
function leb128(bytes: Uint8Array, offset: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 0, at = offset; at < bytes.length && shift < 35; shift += 7, at += 1) {
    const byte = bytes[at] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at + 1];
  }
  return undefined;
}

/** Why `bytes` is not a whole WebAssembly binary, or undefined when its container is sound. */
export function wasmContainerProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < magic.length || magic.some((byte, i) => bytes[i] !== byte)) {
    return 'it does not start with the WebAssembly magic number (an error page or another file?)';
  }
  let offset = magic.length;
  while (offset < bytes.length) {
    const size = leb128(bytes, offset + 1); // after the section id
    if (size === undefined || size[1] + size[0] > bytes.length) {
      return `it is truncated: a section at byte ${offset} runs past the end of the file (${bytes.length} bytes)`;
    }
    offset = size[1] + size[0];
  }
  return undefined;
}
