/**
 * The sandbox of a reader's container: the engine-side settings every
 * `docker run` gets, whatever the reader typed (the parser refuses the flags
 * that would change them). The engine and the kernel hold these limits, not
 * string checks:
 *
 * - no network (NetworkMode none), unless the operator allows the lab's build
 *   network (the engine's bridge, which reaches DNS and the Debian mirror only);
 * - memory without swap, CPU, PIDs (a fork bomb stops at the limit);
 * - no new privileges; the engine's default seccomp and AppArmor profiles
 *   (no `seccomp=unconfined`, no `apparmor=unconfined` is ever passed);
 * - capabilities a lesson container does not need are dropped (CAP_DROP);
 * - a read-only root filesystem with small tmpfs folders (nothing fills the
 *   engine's disk), unless the operator turns it off;
 * - AutoRemove (`--rm` always),
 * - labels naming the reader, which `docker ps/stop/logs` filter on.
 */
import type Docker from 'dockerode';
import type {RunSettings} from '../config';
import {OWNER_LABEL} from '../engine/labels';

/** Labels of a lab container besides the owner label (OWNER_LABEL, shared with images). */
export const KIND_LABEL = 'org.dockerlab.kind';
export const KIND_RUN = 'run';
/** The name the reader gave or was given (the engine's name carries the owner prefix). */
export const NAME_LABEL = 'org.dockerlab.name';
/** The image as the reader typed it (the container is created from its ID). */
export const IMAGE_LABEL = 'org.dockerlab.image';
/** The reader's lab name, for operators (`docker ps` on the host). */
export const READER_LABEL = 'org.dockerlab.reader';

/**
 * Capabilities dropped from Docker's default set, and why a lesson container
 * can do without each:
 * - NET_RAW, NET_BIND_SERVICE: raw sockets (ping, spoofing) and low ports; no network is reachable anyway.
 * - MKNOD: device nodes; a container has no business creating them.
 * - AUDIT_WRITE: writing to the kernel's audit log.
 * - SYS_CHROOT: chroot, a step of several container escapes; no lesson needs it.
 * - SETFCAP, SETPCAP: giving files or processes capabilities.
 * Kept: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETUID, SETGID, so root in
 * the container behaves as images expect (su, package scripts, chmod).
 */
export const DROPPED_CAPABILITIES = ['NET_RAW', 'NET_BIND_SERVICE', 'MKNOD', 'AUDIT_WRITE', 'SYS_CHROOT', 'SETFCAP', 'SETPCAP'];

/** Folders writable on a read-only root filesystem (tmpfs, counted against the memory limit). */
export const TMPFS_FOLDERS = ['/tmp', '/var/tmp'];

export interface ContainerRequest {
  /** Image ID (resolved and checked: the reader's own or a base image). */
  imageId: string;
  /** The image as typed (shown by docker ps). */
  imageName: string;
  /** The engine's name (owner prefix + the reader's name). */
  engineName: string;
  /** The name the reader sees. */
  displayName: string;
  ownerId: string;
  readerName?: string;
  cmd: string[];
  /** undefined: the image's; [''] resets it (`--entrypoint ""`). */
  entrypoint?: string[];
  env: string[];
  workdir?: string;
  tty: boolean;
  stdin: boolean;
}

/** The engine's create request for a reader's container. Pure: unit-tested. */
export function containerSpec(req: ContainerRequest, run: RunSettings): Docker.ContainerCreateOptions {
  const hostConfig: Docker.HostConfig = {
    AutoRemove: true,
    NetworkMode: run.network === 'none' ? 'none' : 'bridge',
    Memory: run.memoryBytes,
    MemorySwap: run.memoryBytes,
    NanoCpus: Math.round(run.cpus * 1e9),
    PidsLimit: run.pids,
    SecurityOpt: ['no-new-privileges'],
    CapDrop: DROPPED_CAPABILITIES,
    Privileged: false,
    ReadonlyRootfs: run.readOnly,
    // No init process: the image's command is PID 1, as with the CLI's default (and a command
    // that does not exist is the engine's error, exit status 127, as the CLI reports it).
    // Logs stay small: `docker logs` of a lab container needs the recent lines only.
    LogConfig: {Type: 'json-file', Config: {'max-size': '1m', 'max-file': '1'}},
    Ulimits: [{Name: 'nofile', Soft: 1024, Hard: 1024}],
  };
  if (run.readOnly) {
    const tmpfs: Record<string, string> = {};
    for (const folder of TMPFS_FOLDERS) tmpfs[folder] = `rw,nosuid,nodev,size=${run.tmpfsBytes}`;
    hostConfig.Tmpfs = tmpfs;
  }
  const labels: Record<string, string> = {
    [OWNER_LABEL]: req.ownerId,
    [KIND_LABEL]: KIND_RUN,
    [NAME_LABEL]: req.displayName,
    [IMAGE_LABEL]: req.imageName,
  };
  if (req.readerName) labels[READER_LABEL] = req.readerName;
  const spec: Docker.ContainerCreateOptions = {
    name: req.engineName,
    Image: req.imageId,
    Env: req.env,
    Tty: req.tty,
    OpenStdin: req.stdin,
    StdinOnce: req.stdin,
    AttachStdin: req.stdin,
    AttachStdout: true,
    AttachStderr: true,
    Labels: labels,
    NetworkDisabled: run.network === 'none',
    HostConfig: hostConfig,
  };
  if (req.cmd.length > 0) spec.Cmd = req.cmd;
  if (req.entrypoint) spec.Entrypoint = req.entrypoint;
  if (req.workdir !== undefined) spec.WorkingDir = req.workdir;
  return spec;
}

/** Engine names of one owner's containers start with this. */
export function enginePrefix(ownerId: string): string {
  return `lab-${ownerId}-`;
}

/** The name the reader sees for a container: the label, else the engine's name without the owner prefix. */
export function displayName(engineName: string, labels: Record<string, string> | undefined, ownerId: string): string {
  const label = labels?.[NAME_LABEL];
  if (label) return label;
  const bare = engineName.replace(/^\//, '');
  const prefix = enginePrefix(ownerId);
  return bare.startsWith(prefix) ? bare.slice(prefix.length) : bare;
}
