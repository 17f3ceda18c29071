/** For tests that call station methods as a screen's invoke arrives: through the contract gate. */
import type { MethodOutput, StationMethodName } from '../../shared/contract';
import type { ScreenAccess } from './access/station-access';
import { invokeContract, type ContractHandlers } from './contract-session';

/** Calls `method` through the gate and returns its output; throws unless the call succeeded. */
export async function callThroughGate<M extends StationMethodName>(handlers: ContractHandlers, screen: ScreenAccess, method: M, input: unknown): Promise<MethodOutput<M>> {
  const result = await invokeContract(handlers, screen, method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
  return result.output as MethodOutput<M>;
}
