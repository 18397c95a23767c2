export { freePort } from './free-port.ts';
export { knownHostsLine } from './known-hosts-line.ts';
export { startSshd, sshdPath, type LoopbackSshd, type SshdOptions } from './loopback-sshd.ts';
export { descendantPids } from './process-tree.ts';
export { startSshAgent, type TestSshAgent } from './ssh-agent.ts';
export { generateSshKey, knownHostsName, type SshKeyPair } from './ssh-keys.ts';
export { startTarpit, type Tarpit } from './tarpit.ts';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
export { createTempDir, type TempDir } from './temp-dir.ts';
