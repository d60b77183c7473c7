/** A size for people: "10 MB", "2.5 MB", "512 bytes". */
export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(2)} MB` : `${bytes} bytes`
