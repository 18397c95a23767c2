// A stand-in for the few AWS CLI commands runctl runs on instances
// (`aws s3 cp`, `aws s3 sync`, `aws s3 ls`), for test machines without the
// CLI. It talks to S3 with @aws-sdk/client-s3, configured from the same
// environment variables the CLI reads (AWS_ENDPOINT_URL_S3, credentials,
// region). Only what the tests exercise is implemented.
import { mkdirSync, readFileSync, readdirSync, lstatSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const [service, command, ...rest] = process.argv.slice(2);
const positional = [];
const options = {};
for (let index = 0; index < rest.length; index++) {
  const arg = rest[index];
  if (arg === '--metadata') options.metadata = Object.fromEntries(rest[++index].split(',').map((pair) => pair.split('=')));
  else if (arg === '--region') options.region = rest[++index];
  else if (!arg.startsWith('--')) positional.push(arg);
}
const s3 = new S3Client({ forcePathStyle: true, region: options.region ?? process.env.AWS_DEFAULT_REGION ?? process.env.AWS_REGION ?? 'us-east-1' });
const parse = (url) => {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  return match ? { bucket: match[1], key: match[2] } : undefined;
};
const fail = (message) => {
  process.stderr.write(`aws (test shim): ${message}\n`);
  process.exit(1);
};
const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
};
const get = async ({ bucket, key }) => {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body.transformToByteArray());
  } catch (error) {
    fail(`An error occurred (${error.name}) when calling the GetObject operation: ${error.message}`);
  }
};
const list = async ({ bucket, key }) => {
  const keys = [];
  let token;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }));
    for (const object of out.Contents ?? []) keys.push(object);
    token = out.NextContinuationToken;
  } while (token);
  return keys;
};
const walk = (root, relative = '') => {
  const files = [];
  for (const name of readdirSync(join(root, relative))) {
    const path = relative ? `${relative}/${name}` : name;
    const info = lstatSync(join(root, path));
    if (info.isSymbolicLink()) continue;
    if (info.isDirectory()) files.push(...walk(root, path));
    else if (info.isFile()) files.push(path);
  }
  return files;
};

if (service !== 's3') fail(`unsupported service ${service}`);
const [source, target] = positional;
if (command === 'cp') {
  const from = parse(source);
  const to = parse(target ?? '');
  if (!from && to) {
    const body = source === '-' ? await readStdin() : readFileSync(source);
    await s3.send(new PutObjectCommand({ Bucket: to.bucket, Key: to.key.endsWith('/') ? `${to.key}${basename(source)}` : to.key, Body: body, Metadata: options.metadata }));
  } else if (from && !to) {
    const body = await get(from);
    if (target === '-') process.stdout.write(body);
    else {
      const path = target.endsWith('/') || (existsSync(target) && statSync(target).isDirectory()) ? join(target, basename(from.key)) : target;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
    }
  } else fail('cp needs one local and one s3:// path');
} else if (command === 'sync') {
  const from = parse(source);
  const to = parse(target ?? '');
  if (!from && to) {
    for (const path of walk(source)) {
      await s3.send(new PutObjectCommand({ Bucket: to.bucket, Key: `${to.key.replace(/\/?$/, '/')}${path}`.replace(/^\//, ''), Body: readFileSync(join(source, path)) }));
    }
  } else if (from && !to) {
    const prefix = from.key;
    for (const object of await list(from)) {
      const relative = object.Key.slice(prefix.length).replace(/^\//, '');
      if (relative === '' || object.Key.endsWith('/')) continue;
      const path = join(target, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, await get({ bucket: from.bucket, key: object.Key }));
    }
  } else fail('sync needs one local and one s3:// path');
} else if (command === 'ls') {
  const from = parse(source);
  const objects = await list(from);
  if (objects.length === 0) process.exit(1);
  for (const object of objects) process.stdout.write(`2026-01-01 00:00:00 ${String(object.Size).padStart(10)} ${object.Key.slice(from.key.length)}\n`);
} else {
  fail(`unsupported command s3 ${command}`);
}
