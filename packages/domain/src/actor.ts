/** Who is calling: resolved once per request from a session or an API token. */
export interface Actor {
  readonly userId: string;
  readonly username: string;
  readonly isAdmin: boolean;
  readonly mustChangePassword: boolean;
  readonly credential: { readonly kind: 'session' | 'apiToken'; readonly id: string };
}
