import { describe, expect, it } from 'vitest';
import { StationCallError, type MethodInput, type MethodOutput, type StationMethodName } from '../../shared/contract';
import { fetchPatientRecord, type ExportProgress } from './record-export';

/** A station answering an export in the given parts (each covering 10 readings), and noting what it was asked. */
function stationWithExport(parts: string[], readingCount = 10 * parts.length) {
  const asked: string[] = [];
  const part = (index: number) => ({ index, text: parts[index]!, done: index === parts.length - 1, readingsDone: 10 * (index + 1) });
  const api = {
    async invoke<M extends StationMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      asked.push(`${method} ${JSON.stringify(input)}`);
      if (method === 'exportPatientRecord') {
        return { exportId: 'e1', fileName: 'vitalbridge-patient-0a1b2c3d-2025-01-15.fhir.json', mediaType: 'application/fhir+json', readingCount, first: part(0) } as MethodOutput<M>;
      }
      if (method === 'readPatientExportChunk') {
        const { index } = input as MethodInput<'readPatientExportChunk'>;
        if (index >= parts.length) throw new StationCallError({ code: 'failed', message: 'no such part' });
        return part(index) as MethodOutput<M>;
      }
      throw new Error(`unexpected ${method}`);
    },
  };
  return { api, asked };
}

describe('fetching a patient record export', () => {
  it('reads every part in order until the last, reports progress, and gives one file of the joined JSON', async () => {
    const bundle = { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', name: [{ given: ['Zoë'] }] } }] };
    const text = JSON.stringify(bundle);
    const { api, asked } = stationWithExport([text.slice(0, 10), text.slice(10, 40), text.slice(40)]);
    const progress: ExportProgress[] = [];

    const exported = await fetchPatientRecord(api, 'p1', (step) => progress.push(step));

    expect(asked).toEqual(['exportPatientRecord {"patientId":"p1"}', 'readPatientExportChunk {"exportId":"e1","index":1}', 'readPatientExportChunk {"exportId":"e1","index":2}']);
    expect(progress).toEqual([
      { readingsDone: 10, total: 30 },
      { readingsDone: 20, total: 30 },
      { readingsDone: 30, total: 30 },
    ]);
    expect(exported.fileName).toBe('vitalbridge-patient-0a1b2c3d-2025-01-15.fhir.json');
    expect(exported.file.type).toBe('application/fhir+json');
    expect(JSON.parse(await exported.file.text())).toEqual(bundle);
  });

  it('needs one call for a record that fits in one part', async () => {
    const { api, asked } = stationWithExport(['{"resourceType":"Bundle","entry":[]}']);
    const exported = await fetchPatientRecord(api, 'p1', () => undefined);
    expect(asked).toHaveLength(1);
    expect(await exported.file.text()).toBe('{"resourceType":"Bundle","entry":[]}');
  });

  it('fails with the station’s reason when a part cannot be read', async () => {
    const { api } = stationWithExport(['{"a":', '1}']);
    const failing = {
      invoke: ((method: StationMethodName, input: never) =>
        method === 'readPatientExportChunk' ? Promise.reject(new StationCallError({ code: 'failed', message: 'This export is no longer available: export the record again' })) : api.invoke(method, input)) as typeof api.invoke,
    };
    await expect(fetchPatientRecord(failing, 'p1', () => undefined)).rejects.toThrow('This export is no longer available');
  });
});
