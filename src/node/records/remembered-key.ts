/**
 * A DataKeyProvider that keeps the key it handed out, so a second connection to the same database
 * (the station recorder's worker thread) opens with it without asking the keychain, or reading the
 * key file, a second time.
 */
import type { DataKeyProvider } from './key-provider';

export class RememberedKey implements DataKeyProvider {
  #key: Buffer | null = null;

  constructor(private readonly provider: DataKeyProvider) {}

  async getDataKey(options: { create: boolean }): Promise<Buffer | null> {
    this.#key = await this.provider.getDataKey(options);
    return this.#key;
  }

  /** The key of the last successful getDataKey. */
  get key(): Buffer {
    if (!this.#key) throw new Error('no data key has been read yet');
    return this.#key;
  }
}
