/** The busy flag and the on-screen problem of a screen's one action that asks the station core. */
import { useCallback, useState } from 'react';
import { failureText } from './failure-text';

export interface StationActionOptions {
  /**
   * The action's success takes this screen away (an access event, a closing dialog), so the
   * control stays disabled until then instead of offering a second try in between.
   */
  keepBusyAfterSuccess?: boolean;
}

export function useStationAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  /** Runs the action; a failure is shown as `describeFailure` puts the failure's own words. */
  const run = useCallback(async (action: () => Promise<unknown>, describeFailure: (reason: string) => string, options: StationActionOptions = {}) => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      if (!options.keepBusyAfterSuccess) setBusy(false);
    } catch (failure) {
      setProblem(describeFailure(failureText(failure)));
      setBusy(false);
    }
  }, []);

  return { busy, problem, setProblem, run };
}
