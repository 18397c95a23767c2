import { randomBytes } from 'node:crypto';
import { managedTags } from '@runctl/core';

/**
 * What runctl writes into a VM's `display_name`, since Lyceum has no tags:
 *
 * ```
 * runctl-<nonce>-<created>-<expires>-<name>
 * runctl-5f0c2a9e1b-t4k2v1-t4k6h1-finetune-7b
 * ```
 *
 * - `nonce`: 10 hex digits, unique per creation; finds the VM again after an
 *   ambiguous create failure, so a retry never launches a second one.
 * - `created`, `expires`: Unix seconds in base 36; `expires` is `0` without `maxLifetime`.
 * - `name`: the resource name (last, so it may itself contain dashes).
 *
 * From these the `runctl:*` tags are rebuilt in any process, so sweeps find
 * expired VMs without local state.
 */
export interface VmNameMarkers {
  nonce: string;
  name: string;
  createdAt: Date;
  expiresAt?: Date;
}

const PATTERN = /^runctl-([0-9a-f]{10})-([0-9a-z]{1,12})-([0-9a-z]{1,12})-([A-Za-z0-9][A-Za-z0-9._-]{0,62})$/;

/** A fresh nonce for {@link encodeVmName}. */
export function newVmNonce(): string {
  return randomBytes(5).toString('hex');
}

/** The display name carrying the markers. */
export function encodeVmName(markers: VmNameMarkers): string {
  const seconds = (date: Date | undefined): string => (date === undefined ? '0' : Math.floor(date.getTime() / 1000).toString(36));
  return `runctl-${markers.nonce}-${seconds(markers.createdAt)}-${seconds(markers.expiresAt)}-${markers.name}`;
}

/** The markers of a runctl display name, or `undefined` for any other name. */
export function decodeVmName(displayName: string | null | undefined): VmNameMarkers | undefined {
  const match = PATTERN.exec(displayName ?? '');
  if (match === null) return undefined;
  const [, nonce, created, expires, name] = match as unknown as [string, string, string, string, string];
  const markers: VmNameMarkers = { nonce, name, createdAt: new Date(Number.parseInt(created, 36) * 1000) };
  if (expires !== '0') markers.expiresAt = new Date(Number.parseInt(expires, 36) * 1000);
  return markers;
}

/** The `runctl:*` tags a display name stands for (empty for VMs runctl did not create). */
export function tagsFromVmName(displayName: string | null | undefined): Record<string, string> {
  const markers = decodeVmName(displayName);
  return markers === undefined ? {} : managedTags(markers);
}
