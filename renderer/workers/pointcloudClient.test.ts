import { describe, expect, it } from 'vitest';
import { PointCloudError } from '../../core/formats/pointcloud';
import { parseInWorker, PointCloudWorkerClient, type WorkerLike } from './pointcloudClient';
import { handlePointCloudRequest, type PointCloudRequest, type PointCloudResponse } from './pointcloudProtocol';

/**
 * A Worker stand-in that behaves like the real boundary: messages go through structuredClone with
 * the transfer list (so transferred buffers are detached on the sending side) and arrive async.
 */
class FakeWorker implements WorkerLike {
  onmessage: ((event: { data: PointCloudResponse }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  terminated = false;
  lastTransferSent: ArrayBuffer[] = [];
  lastTransferReceived: ArrayBuffer[] = [];

  constructor(private readonly fetchBytes?: (url: string) => Promise<ArrayBuffer>) {}

  postMessage(message: PointCloudRequest, transfer: Transferable[]): void {
    this.lastTransferSent = transfer as ArrayBuffer[];
    const received = structuredClone(message, { transfer: transfer as ArrayBuffer[] });
    void handlePointCloudRequest(received, this.fetchBytes).then(({ response, transfer: back }) => {
      this.lastTransferReceived = back;
      const delivered = structuredClone(response, { transfer: back });
      for (const buffer of back) expect(buffer.byteLength).toBe(0); // moved, not copied
      this.onmessage?.({ data: delivered });
    });
  }

  terminate(): void {
    this.terminated = true;
  }
}

const kitti = () => new Float32Array([1, 2, 3, 0.5, 4, 5, 6, 0.25]).buffer;

describe('point cloud worker client', () => {
  it('transfers bytes in and typed arrays out', async () => {
    const worker = new FakeWorker();
    const client = new PointCloudWorkerClient(() => worker);
    const bytes = kitti();
    const cloud = await client.parse(bytes, 'a.bin');
    expect(bytes.byteLength).toBe(0);
    expect(cloud.count).toBe(2);
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(cloud.fields[0].data)).toEqual([0.5, 0.25]);
    expect(worker.lastTransferReceived).toHaveLength(2);
  });

  it('fetches URLs inside the worker', async () => {
    const worker = new FakeWorker(async (url) => {
      expect(url).toBe('datum://files/a.bin');
      return kitti();
    });
    const cloud = await parseInWorker('datum://files/a.bin', 'a.bin', undefined, () => worker);
    expect(cloud.count).toBe(2);
    expect(worker.terminated).toBe(true);
  });

  it('turns worker errors into PointCloudError with the code and file name', async () => {
    const client = new PointCloudWorkerClient(() => new FakeWorker());
    const error = await client.parse(new TextEncoder().encode('FIELDS x y z\nDATA ascii\n'), 'bad.pcd').catch((e) => e);
    expect(error).toBeInstanceOf(PointCloudError);
    expect(error.fileName).toBe('bad.pcd');
    expect(error.message).toBe('bad.pcd: header has neither POINTS nor WIDTH');
    const fetchFail = new PointCloudWorkerClient(() => new FakeWorker(async () => { throw new Error('HTTP 404'); }));
    await expect(fetchFail.parse('x://missing', 'm.bin')).rejects.toThrow('m.bin: cannot fetch x://missing: HTTP 404');
  });

  it('rejects pending requests when the worker fails', async () => {
    const silent: WorkerLike = { onmessage: null, onerror: null, postMessage() {}, terminate() {} };
    const client = new PointCloudWorkerClient(() => silent);
    const pending = client.parse(kitti(), 'a.bin');
    silent.onerror?.({ message: 'script failed to load' });
    await expect(pending).rejects.toThrow('a.bin: point cloud worker failed: script failed to load');
  });
});
