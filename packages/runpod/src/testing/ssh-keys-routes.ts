import { json, type FakeReply } from './fake-reply.ts';
import type { FakeState } from './fake-state.ts';
import { readValidBody, type RestRequest } from './rest-request.ts';

export function getSshKeys(_req: RestRequest, state: FakeState): FakeReply {
  return json(200, { keys: state.sshKeys });
}

/** `PUT /v2/account/ssh-keys` replaces the whole list; the schema's pattern vets each key. */
export function putSshKeys(req: RestRequest, state: FakeState): FakeReply {
  const parsed = readValidBody<{ readonly keys: readonly string[] }>(req, 'UpdateSshKeysRequest');
  if (!parsed.ok) return parsed.reply;
  state.sshKeys = [...parsed.body.keys];
  return json(200, { keys: state.sshKeys });
}
