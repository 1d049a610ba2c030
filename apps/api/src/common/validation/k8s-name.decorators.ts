import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isDns1123Label, isIanaSvcName } from '@cutover/domain';

/** The same rule name (`dns1123-label`) as the release-spec validator, so clients see one vocabulary. */
export function IsDns1123Label(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'dns1123-label',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isDns1123Label(value),
        defaultMessage: () => '$property must be a DNS-1123 label: 1-63 lowercase letters, digits or "-", starting and ending alphanumeric',
      },
    },
    options,
  );
}

/** A Service targetPort: a port number (1..65535) or a container port name (IANA_SVC_NAME). */
export function IsPortRef(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'port',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) ||
          (typeof value === 'string' && isIanaSvcName(value)),
        defaultMessage: () => '$property must be a port number 1..65535 or a port name (≤15 lowercase letters, digits or "-")',
      },
    },
    options,
  );
}

/** A JSON object (labels, strategy documents); its content is checked by the service with precise paths. */
export function IsJsonObject(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'type',
      validator: {
        validate: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
        defaultMessage: () => '$property must be an object',
      },
    },
    options,
  );
}
