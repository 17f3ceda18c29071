/**
 * The one place where the contract meets a transport. Electron IPC and the web-mode WebSocket both
 * open a ContractSession per connected screen: every invoke's method, input and output and every
 * event payload is checked against the zod schemas of the contract here, so neither transport can
 * forget a check, and a hostile or broken message only ever produces an error result.
 */
import { z } from 'zod';
import { MAX_JSON_DEPTH, structuredValueProblem } from '../../shared/bounded-json';
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
import type { AccessState, accessMethods } from '../../shared/contract-access';
import type { kioskMethods } from '../../shared/contract-kiosk';
import type { recordsMethods } from '../../shared/contract-records';
import type { syncMethods } from '../../shared/contract-sync';
import type { monitorSettingsMethods } from '../../shared/contract-monitor-settings';
import type { visitNotesMethods } from '../../shared/contract-visit-notes';
import type { measurementRequestMethods } from '../../shared/contract-measurement-requests';
import type { summaryMethods } from '../../shared/contract-summary';
import type { wearableMethods } from '../../shared/contract-wearables';
import { isOpenMethod, PATIENT_EVENTS, requiredAction, type OpenMethodName } from '../../shared/method-access';
import { AccessDeniedError, type ScreenAccess } from './access/station-access';
import type { FrameSink, FrameSubscription } from './frame-batcher';

/** The screen a method was invoked from; open methods (sign-in, enrolment) get only this. */
export interface ScreenContext {
  screen: ScreenAccess;
}

/** A guarded method's caller: the signed-in person the gate authorised, at their screen. */
export interface InvocationContext extends ScreenContext {
  actor: Actor;
}

type Handler<M extends StationMethodName> = (
  input: MethodInput<M>,
  context: M extends OpenMethodName ? ScreenContext : InvocationContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;
type ServiceMethodName =
  | keyof typeof accessMethods
  | keyof typeof consultVitalsMethods
  | keyof typeof clinicalMethods
  | keyof typeof visitMethods
  | keyof typeof kioskMethods
  | keyof typeof recordsMethods
  | keyof typeof syncMethods
  | keyof typeof monitorSettingsMethods
  | keyof typeof visitNotesMethods
  | keyof typeof measurementRequestMethods
  | keyof typeof summaryMethods
  | keyof typeof wearableMethods;

export type StationHandlers = { [M in StationMethodName]: Handler<M> };

/** Hosts without people, records or clinical services (benchmarks, transport tests) may leave those methods out; they then answer unknown-method. */
export type ContractHandlers = { [M in Exclude<StationMethodName, ServiceMethodName>]: Handler<M> } & { [M in ServiceMethodName]?: Handler<M> };

/** What a transport needs from the station. */
export interface ContractHost {
  readonly handlers: ContractHandlers;
  subscribe(sink: FrameSink): FrameSubscription;
  /** A screen connected: its own session, told of every change with `notify`. */
  openScreen(notify: (state: AccessState) => void): ScreenAccess;
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
}

const MAX_ERROR_MESSAGE = 2_000;
/** Contract inputs are a few small fields; no legitimate one comes near these. */
const INPUT_BOUNDS = { maxDepth: MAX_JSON_DEPTH, maxNodes: 100_000 };
const failure = (code: InvokeError['code'], message: string): InvokeResult => ({
  ok: false,
  error: { code, message: message.slice(0, MAX_ERROR_MESSAGE) },
});

export async function invokeContract(
  handlers: ContractHandlers,
  screen: ScreenAccess,
  method: unknown,
  input: unknown,
  onFault?: ContractSessionOptions['onFault'],
): Promise<InvokeResult> {
  if (!isStationMethod(method)) {
    // Never stringify a hostile value: its toString may be anything.
    const named = typeof method === 'string' ? `"${method.slice(0, 100)}"` : `a ${method === null ? 'null' : typeof method} name`;
    return failure('unknown-method', `Unknown method: ${named}`);
  }
  // Electron hands over structured values with no size or depth limit of their own (web mode's text is bounded already).
  const outOfBounds = structuredValueProblem(input, INPUT_BOUNDS);
  if (outOfBounds !== null) return failure('bad-request', `Invalid input for ${method}: ${outOfBounds}`);
  const schema = stationMethods[method];
  const parsedInput = schema.input.safeParse(input);
  if (!parsedInput.success) return failure('bad-request', `Invalid input for ${method}: ${z.prettifyError(parsedInput.error)}`);
  // The mapped handler type cannot be narrowed by a runtime method name; the schema check above is the guarantee.
  const handler = handlers[method] as ((input: unknown, context: ScreenContext | InvocationContext) => unknown) | undefined;
  if (handler === undefined) return failure('unknown-method', `${method} is not available on this station`);
  let output: unknown;
  try {
    let context: ScreenContext | InvocationContext = { screen };
    if (!isOpenMethod(method)) {
      const action = requiredAction(method, parsedInput.data as MethodInput<typeof method>);
      context = { screen, actor: screen.authorize(action) };
    }
    output = await handler(parsedInput.data, context);
  } catch (error) {
    if (error instanceof AccessDeniedError) return failure('forbidden', error.message);
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

const PATIENT_EVENT_NAMES: ReadonlySet<StationEventName> = new Set(PATIENT_EVENTS);

export function openContractSession(
  host: ContractHost,
  connection: ContractConnection,
  options: ContractSessionOptions = {},
): ContractSession {
  const deliver = (event: StationEventName, payload: unknown) => {
    const checked = checkEvent(event, payload, options.onFault);
    if (checked !== null) connection.sendEvent(event, checked);
  };
  const screen = host.openScreen((state) => deliver('access', state));
  const subscription = host.subscribe({
    send(event, payload) {
      // A screen nobody may read the patient's data at (signed out, locked, an administrator) gets none.
      if (PATIENT_EVENT_NAMES.has(event) && !screen.maySeePatient()) return;
      deliver(event, payload);
    },
    isReady: connection.isReady?.bind(connection),
  });
  return {
    invoke: (method, input) => invokeContract(host.handlers, screen, method, input, options.onFault),
    pause: () => subscription.pause(),
    resume: () => subscription.resume(),
    close() {
      subscription.close();
      screen.close();
    },
  };
}
