/**
 * The one place where the contract meets a transport. Electron IPC and the web-mode WebSocket both
 * open a ContractSession per connected screen: every invoke's method, input and output and every
 * event payload is checked against the zod schemas of the contract here, so neither transport can
 * forget a check, and a hostile or broken message only ever produces an error result.
 */
import { z } from 'zod';
import {
  isStationMethod,
  stationEvents,
  stationMethods,
  type EventPayload,
  type InvokeError,
  type InvokeResult,
  type MethodInput,
  type MethodOutput,
  type StationEventName,
  type StationMethodName,
} from '../../shared/contract';
import type { clinicalMethods } from '../../shared/contract-clinical';
import type { consultVitalsMethods } from '../../shared/contract-consult-vitals';
import type { visitMethods } from '../../shared/contract-visit';
import type { Actor } from '../../shared/clinical/actor';
import type { FrameSink, FrameSubscription } from './frame-batcher';

/** Who is asking, as the transport knows it; every clinical command is checked against this actor. */
export interface InvocationContext {
  actor: Actor;
}

/**
 * The screen of the station itself (its Electron window, its web-mode page on 127.0.0.1 with the
 * launch token) until sign-in exists: a nurse at the bedside. Named so it is never mistaken for
 * an authenticated identity.
 */
export const LOCAL_STATION_SCREEN_ACTOR: Actor = { id: 'local-station-screen', name: 'Station screen (nurse)', role: 'nurse' };

type Handler<M extends StationMethodName> = (input: MethodInput<M>, context: InvocationContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
type ClinicalMethodName = keyof typeof consultVitalsMethods | keyof typeof clinicalMethods | keyof typeof visitMethods;

export type StationHandlers = { [M in StationMethodName]: Handler<M> };

/** Hosts without the clinical or visit services (benchmarks, transport tests) may leave those methods out; they then answer unknown-method. */
export type ContractHandlers = { [M in Exclude<StationMethodName, ClinicalMethodName>]: Handler<M> } & { [M in ClinicalMethodName]?: Handler<M> };

/** What a transport needs from the station. */
export interface ContractHost {
  readonly handlers: ContractHandlers;
  subscribe(sink: FrameSink): FrameSubscription;
}

/** One connected screen, as the transport sees it. */
export interface ContractConnection {
  sendEvent(event: StationEventName, payload: unknown): void;
  /** False while the transport cannot take more (socket buffer full); events then coalesce. */
  isReady?(): boolean;
}

export interface ContractSession {
  invoke(method: unknown, input: unknown): Promise<InvokeResult>;
  /** The screen is hidden: keep only the newest numerics and a bounded waveform tail. */
  pause(): void;
  resume(): void;
  close(): void;
}

export interface ContractSessionOptions {
  /** Faults on the station's own side (a handler throwing, an invalid outgoing payload). */
  onFault?: (message: string, detail?: unknown) => void;
  /** Who this screen acts as; the local station screen by default. */
  actor?: Actor;
}

const MAX_ERROR_MESSAGE = 2_000;
const failure = (code: InvokeError['code'], message: string): InvokeResult => ({
  ok: false,
  error: { code, message: message.slice(0, MAX_ERROR_MESSAGE) },
});

export async function invokeContract(
  handlers: ContractHandlers,
  method: unknown,
  input: unknown,
  onFault?: ContractSessionOptions['onFault'],
  context: InvocationContext = { actor: LOCAL_STATION_SCREEN_ACTOR },
): Promise<InvokeResult> {
  if (!isStationMethod(method)) {
    // Never stringify a hostile value: its toString may be anything.
    const named = typeof method === 'string' ? `"${method.slice(0, 100)}"` : `a ${method === null ? 'null' : typeof method} name`;
    return failure('unknown-method', `Unknown method: ${named}`);
  }
  const schema = stationMethods[method];
  const parsedInput = schema.input.safeParse(input);
  if (!parsedInput.success) return failure('bad-request', `Invalid input for ${method}: ${z.prettifyError(parsedInput.error)}`);
  let output: unknown;
  try {
    // The mapped handler type cannot be narrowed by a runtime method name; the schema check above is the guarantee.
    const handler = handlers[method] as ((input: unknown, context: InvocationContext) => unknown) | undefined;
    if (handler === undefined) return failure('unknown-method', `${method} is not available on this station`);
    output = await handler(parsedInput.data, context);
  } catch (error) {
    onFault?.(`${method} failed`, error);
    return failure('failed', error instanceof Error ? error.message : `${method} failed`);
  }
  const parsedOutput = schema.output.safeParse(output);
  if (!parsedOutput.success) {
    onFault?.(`${method} produced an answer outside the contract`, parsedOutput.error);
    return failure('failed', `${method} produced an invalid answer`);
  }
  return { ok: true, output: parsedOutput.data };
}

/** The payload as the contract allows it, or null (reported) when the station produced something invalid. */
export function checkEvent<E extends StationEventName>(
  event: E,
  payload: unknown,
  onFault?: ContractSessionOptions['onFault'],
): EventPayload<E> | null {
  const parsed = stationEvents[event].safeParse(payload);
  if (parsed.success) return parsed.data as EventPayload<E>;
  onFault?.(`${event} event outside the contract was not sent`, parsed.error);
  return null;
}

export function openContractSession(
  host: ContractHost,
  connection: ContractConnection,
  options: ContractSessionOptions = {},
): ContractSession {
  const subscription = host.subscribe({
    send(event, payload) {
      const checked = checkEvent(event, payload, options.onFault);
      if (checked !== null) connection.sendEvent(event, checked);
    },
    isReady: connection.isReady?.bind(connection),
  });
  return {
    invoke: (method, input) => invokeContract(host.handlers, method, input, options.onFault, { actor: options.actor ?? LOCAL_STATION_SCREEN_ACTOR }),
    pause: () => subscription.pause(),
    resume: () => subscription.resume(),
    close: () => subscription.close(),
  };
}
