/** An SSH key pair as OpenSSH writes it. */
export interface SshKeyPair {
  /** The private key text (`-----BEGIN … PRIVATE KEY-----`). */
  privateKey: string;
  /** The public key line: `ssh-ed25519 AAAA… comment` (the comment may be missing). */
  publicKey: string;
}
