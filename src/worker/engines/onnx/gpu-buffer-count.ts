/**
 * Test hook's counter of a device's live GPU buffers: from its first call on, every buffer the device
 * creates counts until it is destroyed. A leak of GPU tensors shows as a count that keeps growing
 * (the runtime reuses the buffers of tensors given back, so a count that settles means none leaks).
 */
export function countBuffers(device: GPUDevice): () => number {
  let live: number | undefined;
  return () => {
    if (live !== undefined) return live;
    live = 0;
    const create = device.createBuffer.bind(device);
    device.createBuffer = (descriptor) => {
      const buffer = create(descriptor);
      (live as number) += 1;
      const destroy = buffer.destroy.bind(buffer);
      let destroyed = false;
      buffer.destroy = () => {
        if (!destroyed) (live as number) -= 1;
        destroyed = true;
        destroy();
      };
      return buffer;
    };
    return live;
  };
}
