import type { AwsClients } from './aws-clients.ts';
import { awsError } from './aws-errors.ts';

/** An image to launch and the name of its root device (for the disk size). */
export interface LaunchImage {
  imageId: string;
  rootDeviceName: string;
  /** Where the id came from: the SSM parameter, or `image` as given. */
  source: string;
}

/** What matters about an instance type for choosing an image. */
export interface MachineFacts {
  architecture: 'x86_64' | 'arm64';
  nvidiaGpu: boolean;
}

/**
 * Public SSM parameters of the default images. GPU types get the Deep
 * Learning Base OSS Nvidia Driver AMI (driver, CUDA, Docker, the SSM agent
 * and the AWS CLI); others get Canonical's Ubuntu 22.04. Both are Ubuntu, so
 * the root device is /dev/sda1 and the login is `ubuntu`.
 */
export function defaultImageParameter(facts: MachineFacts): string {
  if (facts.nvidiaGpu) return `/aws/service/deeplearning/ami/${facts.architecture}/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id`;
  return `/aws/service/canonical/ubuntu/server/22.04/stable/current/${facts.architecture === 'arm64' ? 'arm64' : 'amd64'}/hvm/ebs-gp2/ami-id`;
}

/** Root device of Ubuntu AMIs, and the default for `image` (override with `rootDeviceName`). */
export const UBUNTU_ROOT_DEVICE = '/dev/sda1';

/**
 * Resolves images: an `ami-…` id is used as is; anything else is read as
 * an SSM parameter name. Types are looked up once with DescribeInstanceTypes
 * (for the architecture and the GPU), and parameters once per process.
 */
export class ImageResolver {
  readonly #clients: AwsClients;
  readonly #provider: string;
  readonly #facts = new Map<string, Promise<MachineFacts>>();
  readonly #parameters = new Map<string, Promise<string>>();

  constructor(clients: AwsClients, provider: string) {
    this.#clients = clients;
    this.#provider = provider;
  }

  async resolve(instanceType: string, image: string | undefined, rootDeviceName: string | undefined, signal?: AbortSignal): Promise<LaunchImage> {
    const root = rootDeviceName ?? UBUNTU_ROOT_DEVICE;
    if (image !== undefined && image.startsWith('ami-')) return { imageId: image, rootDeviceName: root, source: image };
    const parameter = image ?? defaultImageParameter(await this.facts(instanceType, signal));
    return { imageId: await this.#parameter(parameter, signal), rootDeviceName: root, source: `ssm:${parameter}` };
  }

  /** Architecture and GPU of a type; guessed from its name if DescribeInstanceTypes is denied. */
  facts(instanceType: string, signal?: AbortSignal): Promise<MachineFacts> {
    let facts = this.#facts.get(instanceType);
    if (facts === undefined) {
      facts = this.#describe(instanceType, signal).catch(() => guessFacts(instanceType));
      this.#facts.set(instanceType, facts);
    }
    return facts;
  }

  async #describe(instanceType: string, signal?: AbortSignal): Promise<MachineFacts> {
    const { client, sdk } = await this.#clients.ec2();
    const out = await client.send(new sdk.DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as never] }), signal ? { abortSignal: signal } : {});
    const info = out.InstanceTypes?.[0];
    if (info === undefined) return guessFacts(instanceType);
    return {
      architecture: info.ProcessorInfo?.SupportedArchitectures?.includes('x86_64') === false ? 'arm64' : 'x86_64',
      nvidiaGpu: (info.GpuInfo?.Gpus ?? []).some((gpu) => gpu.Manufacturer?.toUpperCase() === 'NVIDIA'),
    };
  }

  #parameter(name: string, signal?: AbortSignal): Promise<string> {
    let value = this.#parameters.get(name);
    if (value === undefined) {
      value = (async () => {
        const { client, sdk } = await this.#clients.ssm();
        try {
          const out = await client.send(new sdk.GetParameterCommand({ Name: name }), signal ? { abortSignal: signal } : {});
          const id = out.Parameter?.Value;
          if (id === undefined || !id.startsWith('ami-')) throw new Error(`SSM parameter ${name} holds no AMI id.`);
          return id;
        } catch (error) {
          throw awsError(error, { operation: `GetParameter ${name}`, provider: this.#provider, signal });
        }
      })();
      value.catch(() => this.#parameters.delete(name));
      this.#parameters.set(name, value);
    }
    return value;
  }
}

/** The fallback guess: the g and p families have NVIDIA GPUs (g4ad is AMD), and a `g` right after the generation is Graviton. */
export function guessFacts(instanceType: string): MachineFacts {
  const family = instanceType.split('.')[0] ?? '';
  return {
    architecture: /^[a-z]+\d+g[a-z]*$/.test(family) ? 'arm64' : 'x86_64',
    nvidiaGpu: /^(g|p)\d/.test(family) && family !== 'g4ad',
  };
}
