/** What `writePrivateFile` needs to know of a path or an open file; `node:fs` `Stats` fits. */
export interface PrivateFileStats {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  /** Only meaningful from `lstat`. */
  isSymbolicLink(): boolean;
}

/** The part of an open file `writePrivateFile` uses; `node:fs/promises` `FileHandle` fits. */
export interface PrivateFileHandle {
  writeFile(text: string, encoding: 'utf8'): Promise<void>;
  chmod(mode: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
  stat(): Promise<PrivateFileStats>;
}

/** The file-system calls `writePrivateFile` makes; `node:fs/promises` fits, tests inject failures. */
export interface PrivateFileSystem {
  open(path: string, flags: string | number, mode?: number): Promise<PrivateFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Follows symbolic links, as `open` does. */
  stat(path: string): Promise<PrivateFileStats>;
  /** Does not follow a symbolic link at `path`. */
  lstat(path: string): Promise<PrivateFileStats>;
}
