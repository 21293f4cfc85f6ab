// A web screen's GraphQL client (staff workbench, big screen 大屏): Apollo Client 4 with
//  - InMemoryCache({ possibleTypes }) from ../schema/possibleTypes.json, so a mutation's typed
//    error (`... on UserError { code field message }`) is kept when read through the cache;
//  - automatic persisted queries (APQ): a known operation is sent as its sha256 hash only;
//  - subscriptions over graphql-transport-ws (graphql-ws) on the same /graphql path.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { createClient, type Client as WsClient } from "graphql-ws";
import possibleTypes from "../../schema/possibleTypes.json" with { type: "json" };

export interface WebClientOptions {
  /** e.g. http://127.0.0.1:8000/graphql */
  url: string;
  /** the street code sent as X-Tenant (needed only by accounts of several streets) */
  street?: string;
  /** false reproduces the default cache: typed errors lose code, field and message */
  usePossibleTypes?: boolean;
  /** "display" for a big screen (大屏): under GONGZHI_TRUSTED_DOCUMENTS=require it then runs
   * trusted documents only, which APQ and the generated operations are */
  clientKind?: "display" | "staff";
  /** send known operations as their hash first (APQ); default true */
  persistedQueries?: boolean;
  fetch?: typeof fetch;
}

export interface WebClient {
  apollo: ApolloClient;
  /** the access token sent from now on (after the Login mutation) */
  signIn(accessToken: string): void;
  /** close the WebSocket (subscriptions end) */
  stop(): Promise<void>;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function createWebClient(options: WebClientOptions): WebClient {
  let accessToken: string | undefined;
  const headers = (): Record<string, string> => ({
    ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    ...(options.street ? { "x-tenant": options.street } : {}),
    ...(options.clientKind ? { "x-client-kind": options.clientKind } : {}),
  });
  const auth = new ApolloLink((operation, forward) => {
    operation.setContext(({ headers: previous = {} }: { headers?: Record<string, string> }) => ({
      headers: { ...previous, ...headers() },
    }));
    return forward(operation);
  });
  const http = new HttpLink({ uri: options.url, fetch: options.fetch ?? fetch });
  const httpChain = options.persistedQueries === false
    ? ApolloLink.from([auth, http])
    : ApolloLink.from([auth, new PersistedQueryLink({ sha256 }), http]);
  let ws: WsClient | undefined;
  const wsLink = new GraphQLWsLink(
    (ws = createClient({
      url: options.url.replace(/^http/, "ws"),
      lazy: true,
      connectionParams: () => ({
        authorization: accessToken ? `Bearer ${accessToken}` : undefined,
        tenant: options.street,
        clientKind: options.clientKind,
      }),
    })),
  );
  const link = ApolloLink.split(
    ({ query }) => {
      const main = getMainDefinition(query);
      return main.kind === "OperationDefinition" && main.operation === "subscription";
    },
    wsLink,
    httpChain,
  );
  const cache = new InMemoryCache(options.usePossibleTypes === false ? {} : { possibleTypes });
  const apollo = new ApolloClient({ link, cache });
  return {
    apollo,
    signIn(token) {
      accessToken = token;
    },
    async stop() {
      await ws?.dispose();
      apollo.stop();
    },
  };
}
