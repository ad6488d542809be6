/** The bindings the Worker receives (declared in ../../index.ts). */
export interface Env {
  GREETING: string;
}
