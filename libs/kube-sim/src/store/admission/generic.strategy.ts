// Metadata rules every resource shares (name formats, label syntax).
import type { FieldError } from '../api-error';
import { goString } from '../api-error';
import type { KubeObject } from '../store.types';
import type { ResourceStrategy } from './admission.types';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

export function validateName(name: string, rule: NameRule, field = 'metadata.name'): FieldError[] {
  const errs: FieldError[] = [];
  switch (rule) {
    case 'subdomain':
      if (name.length > 253) errs.push({ type: 'FieldValueInvalid', field, value: goString(name), detail: 'must be no more than 253 characters' });
      if (!DNS1123_SUBDOMAIN.test(name)) errs.push({ type: 'FieldValueInvalid', field, value: goString(name), detail: DNS1123_SUBDOMAIN_MSG });
      break;
    case 'label':
      if (name.length > 63) errs.push({ type: 'FieldValueInvalid', field, value: goString(name), detail: 'must be no more than 63 characters' });
      if (!DNS1123_LABEL.test(name)) errs.push({ type: 'FieldValueInvalid', field, value: goString(name), detail: DNS1123_LABEL_MSG });
      break;
    case 'dns1035':
      if (name.length > 63) errs.push({ type: 'FieldValueInvalid', field, value: goString(name), detail: 'must be no more than 63 characters' });
      if (!DNS1035_LABEL.test(name)) errs.push({ type: 'FieldValueInvalid', field, value: goString(name), detail: DNS1035_LABEL_MSG });
      break;
    case 'path':
      if (name === '.' || name === '..' || name.includes('/') || name.includes('%')) {
        errs.push({ type: 'FieldValueInvalid', field, value: goString(name), detail: `may not contain '/'` });
      }
      break;
  }
  return errs;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

function validateQualifiedKey(key: string, field: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const namePart = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const errs: FieldError[] = [];
  if (!QUALIFIED_NAME.test(namePart) || namePart.length > 63) {
    errs.push({ type: 'FieldValueInvalid', field, value: goString(key), detail: QUALIFIED_NAME_MSG });
  }
  if (prefix !== undefined && !DNS1123_SUBDOMAIN.test(prefix)) {
    errs.push({ type: 'FieldValueInvalid', field, value: goString(key), detail: `prefix part ${DNS1123_SUBDOMAIN_MSG}` });
  }
  return errs;
}

export function validateLabels(labels: unknown, field: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    errs.push(...validateQualifiedKey(k, field));
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      errs.push({ type: 'FieldValueInvalid', field, value: goString(String(v)), detail: LABEL_VALUE_MSG });
    }
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  const errs: FieldError[] = [];
  for (const k of Object.keys(annotations as Record<string, unknown>)) errs.push(...validateQualifiedKey(k.toLowerCase(), field));
  return errs;
}

export function validateObjectMeta(obj: KubeObject, rule: NameRule): FieldError[] {
  const m = obj.metadata;
  return [
    ...validateName(m.name, rule),
    ...validateLabels(m.labels, 'metadata.labels'),
    ...validateAnnotations(m.annotations, 'metadata.annotations'),
  ];
}

export function makeGenericStrategy(rule: NameRule): ResourceStrategy {
  return {
    validate: (obj) => validateObjectMeta(obj, rule),
    validateUpdate: (obj) => [...validateLabels(obj.metadata.labels, 'metadata.labels'), ...validateAnnotations(obj.metadata.annotations, 'metadata.annotations')],
  };
}

export const genericStrategy = makeGenericStrategy('subdomain');
