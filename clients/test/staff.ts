// What a staff tool does around the client examples (full documents are allowed for staff).
import { LoginDocument, SendNoticeDocument } from "../generated/graphql.ts";
import { print } from "graphql";

export async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export async function staffToken(url: string, username = "wulidun.street_admin"): Promise<string> {
  const { login } = await gql(url, print(LoginDocument), { username, password: "demo1234" });
  return login.accessToken;
}

export async function sendNotice(url: string, token: string, title: string): Promise<void> {
  const { sendNotice } = await gql(
    url,
    print(SendNoticeDocument),
    { input: { title, body: `${title}：请留意。` } },
    token,
  );
  if (sendNotice.__typename !== "SendNoticeSuccess") throw new Error(JSON.stringify(sendNotice));
}
