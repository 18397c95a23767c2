/** Where runctl keeps things inside a workspace on a machine. */
export interface WorkspaceLayout {
  /** The workspace: the job's working directory, where the workdir is synced. */
  root: string;
  /** `<root>/.runctl`: agent script and job folders. */
  runctlDir: string;
  jobsDir: string;
  /** `$RUNCTL_DATA_DIR`. */
  dataDir: string;
  /** `$RUNCTL_OUTPUT_DIR`. */
  outputDir: string;
  jobDir(jobId: string): string;
}

/** The layout of the workspace at absolute path `root`. */
export function workspaceLayout(root: string): WorkspaceLayout {
  const base = root.replace(/\/+$/, '') || '/';
  const runctlDir = `${base}/.runctl`;
  return {
    root: base,
    runctlDir,
    jobsDir: `${runctlDir}/jobs`,
    dataDir: `${base}/data`,
    outputDir: `${base}/outputs`,
    jobDir: (jobId) => `${runctlDir}/jobs/${jobId}`,
  };
}
