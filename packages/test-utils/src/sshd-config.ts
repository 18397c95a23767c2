/** Where the generated sshd keeps its files. */
export interface SshdFiles {
  hostKeyPath: string;
  authorizedKeysPath: string;
  pidFile: string;
}

/**
 * sshd_config for a throwaway loopback server: key auth only, for one user,
 * with every path inside the test's temp folder so it runs unprivileged too.
 * `optional` lines are dropped when the installed sshd does not know them.
 */
export function sshdConfig(port: number, user: string, files: SshdFiles, extra: readonly string[] = []): { required: string[]; optional: string[] } {
  return {
    required: [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${files.hostKeyPath}`,
      `PidFile ${files.pidFile}`,
      `AuthorizedKeysFile ${files.authorizedKeysPath}`,
      `AllowUsers ${user}`,
      'StrictModes no',
      'UsePAM no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'X11Forwarding no',
      'PrintMotd no',
      'PrintLastLog no',
      'Subsystem sftp internal-sftp',
      // Tests open many connections quickly (reconnects, parallel suites).
      'MaxStartups 200',
      'LogLevel VERBOSE',
      ...extra,
    ],
    // OpenSSH >= 9.8 penalises sources whose sessions crash or fail auth; tests do both on purpose.
    optional: ['PerSourcePenalties no'],
  };
}
