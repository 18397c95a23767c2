import type { Schema } from './fastapi-validation.ts';

/** `execution_type` pattern from the Python start schema. */
const EXECUTION_TYPE_PATTERN = '^[a-zA-Z0-9_.]+$';

/** `POST /vms/create` (docs' VM create schema). */
export const createVmSchema: Schema = {
  user_public_key: { kind: 'string', required: true, minLength: 1 },
  hardware_profile: { kind: 'string', required: true },
  instance_specs: { kind: 'object', nullable: true, default: null },
  display_name: { kind: 'string', nullable: true, default: null },
  // The older docs page calls the friendly name `name`.
  name: { kind: 'string', nullable: true, default: null },
  instance_type: { kind: 'string', oneOf: ['on-demand', 'spot'], default: 'on-demand' },
};

/** Fields shared by every run start schema. */
const runCommon: Schema = {
  timeout: { kind: 'int', ge: 1, le: 600, default: 60 },
  execution_type: { kind: 'string', pattern: EXECUTION_TYPE_PATTERN, default: 'cpu' },
  file_name: { kind: 'string', nullable: true, default: null },
  user_callback_urls: { kind: 'string-list', nullable: true, default: null },
};

/** `POST /execution/streaming/start` (the newer schema). */
export const pythonStartSchema: Schema = {
  code: { kind: 'string', required: true },
  nbcode: { kind: 'int', default: 0 },
  requirements_content: { kind: 'string', nullable: true, default: null },
  prior_imports: { kind: 'string-list', nullable: true, default: null },
  kernel_state: { kind: 'string', nullable: true, default: null },
  import_files: { kind: 'string', nullable: true, default: null },
  ...runCommon,
};

/** Registry credential fields, sent by the CLI under both spellings. */
const registryFields: Schema = {
  docker_registry_credential_type: { kind: 'string', oneOf: ['aws', 'basic'], nullable: true, default: null },
  aws_access_key_id: { kind: 'string', nullable: true, default: null },
  aws_secret_access_key: { kind: 'string', nullable: true, default: null },
  aws_session_token: { kind: 'string', nullable: true, default: null },
  region: { kind: 'string', default: 'us-east-1' },
  aws_region: { kind: 'string', nullable: true, default: null },
  docker_username: { kind: 'string', nullable: true, default: null },
  docker_password: { kind: 'string', nullable: true, default: null },
};

/**
 * `POST /execution/image/start`. The docs mark `docker_run_cmd` required, but
 * the official CLI omits it when no command is given, so the fake accepts
 * its absence (UNKNOWN which is right; the CLI's behaviour is the evidence).
 */
export const imageStartSchema: Schema = {
  docker_image_ref: { kind: 'string', required: true },
  docker_run_cmd: { kind: 'string-list', nullable: true, default: null },
  docker_run_env: { kind: 'string', nullable: true, default: null },
  enable_s3_mount: { kind: 'bool', default: true },
  ...registryFields,
  ...runCommon,
};

/** Query of `GET /logs/execution/{id}`. */
export const logsQuerySchema: Schema = {
  limit: { kind: 'int', ge: 1, le: 10_000, default: 1000 },
  hours: { kind: 'int', ge: 1, le: 168, default: 24 },
};

/** Query of `GET /storage/list-files`; the bounds of `max_files` are UNKNOWN, so only its type is checked. */
export const listFilesQuerySchema: Schema = {
  prefix: { kind: 'string', default: '' },
  max_files: { kind: 'int', ge: 1, default: 1000 },
};
