import { randomBytes, randomUUID } from 'node:crypto';

/** Resource ids in the shapes AWS uses (17 hex digits for modern EC2 ids). */
export const newInstanceId = (): string => `i-${hex(17)}`;
export const newReservationId = (): string => `r-${hex(17)}`;
export const newVolumeId = (): string => `vol-${hex(17)}`;
export const newSpotRequestId = (): string => `sir-${hex(8)}`;
export const newRequestId = (): string => randomUUID();
export const newCommandId = (): string => randomUUID();

function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const VOLUME_ID_PATTERN = /^vol-[0-9a-f]{8}([0-9a-f]{9})?$/;
