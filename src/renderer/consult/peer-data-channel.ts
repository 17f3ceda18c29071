/**
 * The call's data channel as one long-lived object. Each negotiation makes a fresh simple-peer (and
 * so a fresh RTCDataChannel); this object re-binds to whichever peer is current, so its users
 * subscribe once and hear onOpen again after every recovery.
 */

/** The part of a simple-peer instance the channel needs. */
export interface DataPeer {
  readonly connected: boolean;
  /** Bytes queued in the RTCDataChannel (simple-peer's bufferSize). */
  readonly bufferSize: number;
  send(text: string): void;
}

export interface CallDataChannel {
  /** Queues a text message; false when no peer is connected (nothing was sent). */
  send(text: string): boolean;
  /** Bytes waiting in the current channel; 0 without one. */
  bufferedAmount(): number;
  readonly isOpen: boolean;
  onMessage(listener: (text: string) => void): () => void;
  /** Fires each time a (fresh) peer connection opens its channel. */
  onOpen(listener: () => void): () => void;
  /** Fires when the open channel is lost (recovery follows unless the call ended). */
  onClose(listener: () => void): () => void;
}

type Listener<T> = (value: T) => void;

function listenerSet<T>(label: string) {
  const listeners = new Set<Listener<T>>();
  return {
    add(listener: Listener<T>): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(value: T): void {
      for (const listener of [...listeners]) {
        try {
          listener(value);
        } catch (error) {
          // One broken subscriber must not stop the call or the other subscribers.
          console.error(`call data channel ${label} listener failed`, error);
        }
      }
    },
  };
}

const decoder = new TextDecoder();

export class ReboundDataChannel implements CallDataChannel {
  #peer: DataPeer | null = null;
  #open = false;
  readonly #messages = listenerSet<string>('message');
  readonly #opens = listenerSet<void>('open');
  readonly #closes = listenerSet<void>('close');

  get isOpen(): boolean {
    return this.#open && this.#peer?.connected === true;
  }

  send(text: string): boolean {
    if (!this.isOpen) return false;
    try {
      this.#peer!.send(text);
      return true;
    } catch {
      // The channel closed between the check and the send; recovery is already under way.
      return false;
    }
  }

  bufferedAmount(): number {
    return this.isOpen ? this.#peer!.bufferSize : 0;
  }

  onMessage(listener: (text: string) => void): () => void {
    return this.#messages.add(listener);
  }

  onOpen(listener: () => void): () => void {
    return this.#opens.add(listener);
  }

  onClose(listener: () => void): () => void {
    return this.#closes.add(listener);
  }

  /** The call's current peer connected. */
  opened(peer: DataPeer): void {
    this.#peer = peer;
    this.#open = true;
    this.#opens.emit();
  }

  /** Data from the current peer (simple-peer hands strings over as bytes). */
  received(data: unknown): void {
    if (typeof data === 'string') this.#messages.emit(data);
    else if (data instanceof Uint8Array) this.#messages.emit(decoder.decode(data));
  }

  /** The current peer is gone. */
  closed(): void {
    const wasOpen = this.#open;
    this.#peer = null;
    this.#open = false;
    if (wasOpen) this.#closes.emit();
  }
}
