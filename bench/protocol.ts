// Messages between the benchmark (parent) and its server process (servers.ts) over IPC.

export interface ServerCounts {
  tokenRequests: number
  apiRequests: number
  /** API requests without a usable Bearer header (answered 401). */
  refusedApiRequests: number
  /**
   * The last API request: its request line ("GET /fhir/Patient/pat-0001"), then its headers as
   * sorted "name: value" lines (names in lower case), to compare what the clients sent.
   */
  lastApiRequest: string[]
}

export type ParentMessage = { type: 'stats'; id: number } | { type: 'stop' }

export type ServerMessage =
  | { type: 'ready'; tokenPort: number; apiPort: number }
  | ({ type: 'stats'; id: number } & ServerCounts)
