/**
 * "Add a Bluetooth device": the pairing steps in plain words. The station finds Bluetooth health
 * devices by itself once they advertise; what people need is to know how to make the device
 * advertise, and that a blood-pressure monitor or scale must be paired once with the computer.
 */
import { useEffect, useId, useRef, useState } from 'react';

export function AddBluetoothDevice() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="action-button" data-action="add-bluetooth-device" onClick={() => setOpen(true)}>
        Add a Bluetooth device
      </button>
      {open ? <PairingSteps onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function PairingSteps({ onClose }: { onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    // Escape closes a modal dialog natively; `cancel` keeps React's state in step.
    <dialog ref={dialog} className="bluetooth-steps" aria-labelledby={titleId} data-screen="add-bluetooth-device" onCancel={onClose}>
      <h2 id={titleId} className="bluetooth-steps-title">
        Add a Bluetooth device
      </h2>
      <p>The station works with blood-pressure monitors, scales, thermometers and pulse oximeters that use the standard Bluetooth health profiles (for example A&amp;D UA-651BLE, Beurer and Omron models).</p>
      <ol className="bluetooth-step-list">
        <li>Put fresh batteries in the device and keep it within a few steps of this computer.</li>
        <li>
          <strong>Blood-pressure monitors and scales, once only:</strong> hold the device&apos;s Bluetooth or pairing button until its display shows &ldquo;Pr&rdquo;, &ldquo;P&rdquo; or a blinking Bluetooth sign, then add it in the computer&apos;s Bluetooth settings. If it asks for a code, type the one shown on the device (often 000000).
        </li>
        <li>Take a measurement as usual. At the end the device sends it: it appears in the Devices list with its signal and battery, and the reading appears on the monitor.</li>
        <li>Readings the device stored while it was away from the station arrive the next time it connects, each only once.</li>
      </ol>
      <p>If the device does not appear: check that Bluetooth is switched on for this computer, move the device closer, and take another measurement.</p>
      <div className="access-actions">
        <button type="button" className="access-button" data-action="close-bluetooth-steps" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
