// Spot training on AWS, the way it should be: a GPU with fallbacks (other
// types, another zone), a hard lifetime enforced on the machine, checkpoints
// synced to S3 when the job ends or EC2 reclaims the Spot instance, and a
// relaunch that resumes from them.
//
//   export AWS_PROFILE=…  RUNCTL_AWS_BUCKET=my-runctl-bucket  RUNCTL_AWS_INSTANCE_PROFILE=runctl-instance
//   node --conditions=@runctl/source examples/aws-spot.ts
//
// Setup (bucket, instance profile, IAM policy): docs/providers/aws.md. It costs
// money: a g6.xlarge Spot instance runs for a few minutes.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAws } from '@runctl/aws';
import { accruedCost, type LogEvent, type TrainingStatus } from '@runctl/core';

const bucket = process.env.RUNCTL_AWS_BUCKET;
const instanceProfile = process.env.RUNCTL_AWS_INSTANCE_PROFILE;
if (bucket === undefined || instanceProfile === undefined) {
  console.error('Set RUNCTL_AWS_BUCKET and RUNCTL_AWS_INSTANCE_PROFILE (and AWS credentials); see docs/providers/aws.md.');
  process.exit(2);
}
// The PyTorch Deep Learning AMI (its Python lives in /opt/pytorch); framework versions rotate, see the DLAMI release notes.
const image = process.env.RUNCTL_AWS_IMAGE ?? '/aws/service/deeplearning/ami/x86_64/oss-nvidia-driver-gpu-pytorch-2.7-ubuntu-22.04/latest/ami-id';
const python = process.env.RUNCTL_AWS_PYTHON ?? '/opt/pytorch/bin/python';
const epochs = process.env.RUNCTL_AWS_EPOCHS ?? '300';

const region = process.env.AWS_REGION ?? 'us-east-1';
const aws = createAws({ region, bucket, instanceProfile });
const workdir = fileURLToPath(new URL('./pytorch/', import.meta.url));
const outputs = `s3://${bucket}/runctl/outputs/spirals-spot/`;

const price = await aws.estimateCost('L4', 1);
console.log(`L4 (${price.instanceType}): $${price.costPerHour.toFixed(3)}/h on demand (${price.source}, ${price.asOf.toISOString().slice(0, 10)})` + (price.spotCostPerHour === undefined ? '' : `, $${price.spotCostPerHour.toFixed(3)}/h spot now`));

const print = (event: LogEvent): void => {
  if (event.type === 'log' && !event.progress) console.log(`  ${event.line}`);
};

let final: TrainingStatus | undefined;
let lastId = '';
for (let attempt = 1; attempt <= 3 && final === undefined; attempt++) {
  const resource = await aws.createResource('L4', {
    name: `spirals-spot-${attempt}`,
    spot: true,
    // No L4 Spot capacity? Then an A10G, then a T4, then L4 in another zone.
    fallbacks: ['A10G', 'T4', `${region}b`],
    maxLifetime: '2h',
    diskGb: 100,
    image,
  });
  lastId = resource.id;
  console.log(`attempt ${attempt}: ${resource.instanceType} ${resource.id} (${resource.spot ? 'spot' : 'on demand'}), powers off by ${resource.expiresAt?.toISOString()}`);
  try {
    // A named job: its checkpoints live at s3://<bucket>/runctl/checkpoints/spirals-spot/ and come back on the next attempt.
    const job = await aws.train(resource.id, {
      name: 'spirals-spot',
      command: [python, 'train.py', '--epochs', epochs],
      workdir,
      checkpointDir: 'checkpoints',
      outputDest: outputs,
      maxRuntime: '1h',
    });
    let exit: TrainingStatus | undefined;
    for await (const event of aws.monitor(resource.id, { jobId: job.jobId })) {
      if (event.type === 'exit') exit = event.status;
      else print(event);
    }
    if (exit?.reason === 'preempted') {
      console.log('EC2 reclaimed the Spot instance; the checkpoint is in S3. Relaunching…');
      continue;
    }
    final = exit;
    console.log(`job ${exit?.state} (${exit?.reason}, exit ${exit?.exitCode}); cost so far $${accruedCost(await aws.getResourceStatus(resource.id)).toFixed(3)}`);
  } finally {
    await aws.terminate(resource.id);
  }
}

if (final?.state === 'succeeded') {
  const local = join(tmpdir(), 'runctl-aws-spot-outputs');
  // Straight from S3: the instance is gone by now.
  const result = await aws.download(lastId, outputs, local);
  console.log(`downloaded ${result.files} output file(s) to ${local}`);
}
aws.close();
process.exit(final?.state === 'succeeded' ? 0 : 1);
