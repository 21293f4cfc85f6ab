/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type CollectScreenTokensInput = {
  code: string;
  deviceSecret: string;
};

/** The scope of a dashboard: the street, one of its communities, or the district (district accounts only). */
export type DashboardScope = {
  communityId?: string | number | null | undefined;
  kind?: DashboardScopeKind;
};

/** What a dashboard covers (统计范围). */
export type DashboardScopeKind =
  | 'COMMUNITY'
  | 'DISTRICT'
  | 'STREET';

/** Stable machine-readable error codes (also in `errors[].extensions.code`). */
export type ErrorCode =
  | 'ACTIVITY_CLOSED'
  | 'ALREADY_CLAIMED'
  | 'ALREADY_EVALUATED'
  | 'ALREADY_EXISTS'
  | 'ALREADY_RATED'
  | 'ALREADY_REWARDED'
  | 'ALREADY_SIGNED'
  | 'ALREADY_VOTED'
  | 'BAD_PERIOD'
  | 'BAD_USER_INPUT'
  | 'CALENDAR_RANGE'
  | 'CASE_REJECTED'
  | 'CHECK_IN_REFUSED'
  | 'CLOSURE_LEVEL'
  | 'FORBIDDEN'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'INTERNAL_SERVER_ERROR'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_CREDIT_CODE'
  | 'INVALID_ID'
  | 'INVALID_TOKEN'
  | 'INVALID_TRANSITION'
  | 'INVALID_UPLOAD'
  | 'MUTED'
  | 'NOTHING_BELOW'
  | 'NOT_ADDRESSEE'
  | 'NOT_A_MEMBER'
  | 'NOT_FOUND'
  | 'NOT_GROUP_OWNER'
  | 'NOT_INVITED'
  | 'NOT_IN_AUDIENCE'
  | 'NOT_ON_ELECTORATE'
  | 'NOT_RESOLVED'
  | 'NOT_SIGNED'
  | 'NOT_SIGNED_UP'
  | 'NOT_VERIFIED'
  | 'NOT_YOURS'
  | 'NOT_YOUR_PATROL'
  | 'NO_LEADER'
  | 'NO_MORE_ROUNDS'
  | 'NO_OUTLINE'
  | 'NO_REWARD_RULE'
  | 'OUTSIDE_GRIDS'
  | 'OUTSIDE_RADIUS'
  | 'OVER_BUDGET'
  | 'OWNER_STAYS'
  | 'OWN_POST'
  | 'PAIRING_EXPIRED'
  | 'PAIRING_UNKNOWN'
  | 'PAIRING_USED'
  | 'PAIRING_WAITING'
  | 'PATROL_ACTIVE'
  | 'PATROL_STOPPED'
  | 'PERSONAL_DATA'
  | 'POINTS_OUT_OF_ORDER'
  | 'POINT_IN_FUTURE'
  | 'QUERY_TOO_COMPLEX'
  | 'REMOVED_FROM_CIRCLE'
  | 'RESULT_MISMATCH'
  | 'REVIEW_DECIDED'
  | 'REVOKED'
  | 'REWARD_BUDGET_EXCEEDED'
  | 'SCREEN_REVOKED'
  | 'SCREEN_SCOPE'
  | 'STEP_OUT_OF_ORDER'
  | 'SUGGESTION_STATE'
  | 'TASK_CLOSED'
  | 'TASK_FULL'
  | 'TENANT_FORBIDDEN'
  | 'TENANT_REQUIRED'
  | 'TOKEN_EXPIRED'
  | 'TOO_MANY_ATTEMPTS'
  | 'TOO_MANY_CHOICES'
  | 'TOP_LEVEL'
  | 'UNAUTHENTICATED'
  | 'UNIT_NOT_RENTED'
  | 'VOTE_CLOSED'
  | 'VOTE_NOT_OPEN'
  | 'WISH_NOT_YOURS'
  | 'WISH_STATE'
  | 'WISH_TAKEN';

/** NOTICE 通知公告 · LEGAL 法治宣传 (the street's legal information articles). */
export type NoticeCategory =
  | 'LEGAL'
  | 'NOTICE';

export type RefreshTokenInput = {
  refreshToken: string;
};

/** A role held in a street (or a district, or the platform). RESIDENT 居民 · BUILDING_CHIEF 楼道长 · GRID_WORKER 网格员 · GRID_CHIEF 网格长 · COMMUNITY_STAFF 社区两委 · STREET_REVIEWER 街道片区审核员 · STREET_DEPARTMENT 街道科室 · STREET_LEADER 街道领导 · STREET_ADMIN 街道系统管理员 · DISTRICT_DEPARTMENT 区级部门 · DISTRICT_ADMIN 区综合指挥中心 · REPRESENTATIVE 人大代表 · DELIBERATOR 议事员 · CONGRESS_STAFF 人大工委 · PROFESSIONAL 专业人士 · DISPLAY 大屏 · PLATFORM_ADMIN 平台管理员 */
export type Role =
  | 'BUILDING_CHIEF'
  | 'COMMUNITY_STAFF'
  | 'CONGRESS_STAFF'
  | 'DELIBERATOR'
  | 'DISPLAY'
  | 'DISTRICT_ADMIN'
  | 'DISTRICT_DEPARTMENT'
  | 'GRID_CHIEF'
  | 'GRID_WORKER'
  | 'PLATFORM_ADMIN'
  | 'PROFESSIONAL'
  | 'REPRESENTATIVE'
  | 'RESIDENT'
  | 'STREET_ADMIN'
  | 'STREET_DEPARTMENT'
  | 'STREET_LEADER'
  | 'STREET_REVIEWER';

/** A notice. Areas (communities, grids) add up, with none meaning the whole street. Tags narrow the areas to residents with any of the tags. Grid chiefs address their own grids, community staff their communities, street leaders and admins anyone. */
export type SendNoticeInput = {
  body: string;
  /** NOTICE 通知公告, or LEGAL: one of the street's legal information articles (法治宣传), shown in its residents' nearby feed. */
  category?: NoticeCategory;
  communityIds?: Array<string | number> | null | undefined;
  gridIds?: Array<string | number> | null | undefined;
  tagIds?: Array<string | number> | null | undefined;
  title: string;
};

export type LoginMutationVariables = Exact<{
  username: string;
  password: string;
}>;


export type LoginMutation = { login:
    | { __typename: 'InputError', code: ErrorCode, field: string | null, message: string }
    | { __typename: 'LoginSuccess', accessToken: string, refreshToken: string }
    | { __typename: 'TooManyAttempts', code: ErrorCode, field: string | null, message: string, retryAfterSeconds: number }
   };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { username: string, memberships: Array<{ role: Role, street: { code: string, name: string } }> } };

export type MyNoticesQueryVariables = Exact<{
  first?: number | null | undefined;
  unreadOnly?: boolean;
}>;


export type MyNoticesQuery = { myNotices: { totalCount: number, edges: Array<{ node: { id: string, title: string, body: string, sentAt: string, readAt: string | null } }> } };

export type NoticeReceivedSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type NoticeReceivedSubscription = { noticeReceived: { cursor: string, notice: { id: string, title: string, body: string, sentAt: string } } };

export type StartScreenPairingMutationVariables = Exact<{ [key: string]: never; }>;


export type StartScreenPairingMutation = { startScreenPairing:
    | { __typename: 'InputError' }
    | { __typename: 'ScreenPairingSuccess', code: string, deviceSecret: string, expiresAt: string }
   };

export type CollectScreenTokensMutationVariables = Exact<{
  input: CollectScreenTokensInput;
}>;


export type CollectScreenTokensMutation = { collectScreenTokens:
    | { __typename: 'InputError', code: ErrorCode, message: string }
    | { __typename: 'ScreenTokensSuccess', tokens: { accessToken: string, accessTokenExpiresAt: string, refreshToken: string }, screen: { id: string, name: string, scope: DashboardScopeKind, communityId: string | null } }
   };

export type RefreshScreenTokenMutationVariables = Exact<{
  input: RefreshTokenInput;
}>;


export type RefreshScreenTokenMutation = { refreshToken:
    | { __typename: 'InputError', code: ErrorCode, message: string }
    | { __typename: 'LoginSuccess', accessToken: string, accessTokenExpiresAt: string, refreshToken: string }
   };

export type ScreenDashboardSubscriptionVariables = Exact<{
  scope?: DashboardScope | null | undefined;
}>;


export type ScreenDashboardSubscription = { dashboard: { kind: DashboardScopeKind, name: string, firstDay: string, lastDay: string, panels: Array<{ key: string, title: string, map: unknown, figures: Array<{ key: string, label: string, value: number | null, unit: string }>, items: Array<{ title: string, detail: string, at: string | null }> }> } };

export type StreetOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type StreetOverviewQuery = { street: { code: string, name: string }, tags: Array<{ id: string, name: string }> };

export type CreateTagMutationVariables = Exact<{
  name: string;
}>;


export type CreateTagMutation = { createTag:
    | { __typename: 'InputError', code: ErrorCode, field: string | null, message: string }
    | { __typename: 'TagSuccess', tag: { id: string, name: string } }
   };

export type SendNoticeMutationVariables = Exact<{
  input: SendNoticeInput;
}>;


export type SendNoticeMutation = { sendNotice:
    | { __typename: 'InputError', code: ErrorCode, field: string | null, message: string }
    | { __typename: 'SendNoticeSuccess', notice: { id: string, title: string } }
   };

export type StreetEventsSubscriptionVariables = Exact<{
  types?: Array<string> | string | null | undefined;
  after?: string | null | undefined;
}>;


export type StreetEventsSubscription = { streetEvents: { cursor: string, type: string, subject: string, occurredAt: string, payload: unknown } };


export const LoginDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Login"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoginSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}}]} as unknown as DocumentNode<LoginMutation, LoginMutationVariables>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"memberships"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"street"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const MyNoticesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyNotices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unreadOnly"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},"defaultValue":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myNotices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"unreadOnly"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unreadOnly"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<MyNoticesQuery, MyNoticesQueryVariables>;
export const NoticeReceivedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"NoticeReceived"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"noticeReceived"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"notice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}}]}}]}}]}}]} as unknown as DocumentNode<NoticeReceivedSubscription, NoticeReceivedSubscriptionVariables>;
export const StartScreenPairingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartScreenPairing"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startScreenPairing"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ScreenPairingSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"deviceSecret"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]}}]} as unknown as DocumentNode<StartScreenPairingMutation, StartScreenPairingMutationVariables>;
export const CollectScreenTokensDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CollectScreenTokens"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CollectScreenTokensInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"collectScreenTokens"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ScreenTokensSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tokens"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"accessTokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}}]}},{"kind":"Field","name":{"kind":"Name","value":"screen"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"scope"}},{"kind":"Field","name":{"kind":"Name","value":"communityId"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CollectScreenTokensMutation, CollectScreenTokensMutationVariables>;
export const RefreshScreenTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RefreshScreenToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RefreshTokenInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoginSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"accessTokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InputError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RefreshScreenTokenMutation, RefreshScreenTokenMutationVariables>;
export const ScreenDashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ScreenDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"scope"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DashboardScope"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dashboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"scope"},"value":{"kind":"Variable","name":{"kind":"Name","value":"scope"}}},{"kind":"Argument","name":{"kind":"Name","value":"period"},"value":{"kind":"EnumValue","value":"TODAY"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"firstDay"}},{"kind":"Field","name":{"kind":"Name","value":"lastDay"}},{"kind":"Field","name":{"kind":"Name","value":"panels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"figures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}},{"kind":"Field","name":{"kind":"Name","value":"map"}}]}}]}}]}}]} as unknown as DocumentNode<ScreenDashboardSubscription, ScreenDashboardSubscriptionVariables>;
export const StreetOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"StreetOverview"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"street"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<StreetOverviewQuery, StreetOverviewQueryVariables>;
export const CreateTagDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateTag"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createTag"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TagSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tag"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateTagMutation, CreateTagMutationVariables>;
export const SendNoticeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendNotice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SendNoticeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendNotice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SendNoticeSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UserError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SendNoticeMutation, SendNoticeMutationVariables>;
export const StreetEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"StreetEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"types"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"streetEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"types"},"value":{"kind":"Variable","name":{"kind":"Name","value":"types"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}}]}}]}}]} as unknown as DocumentNode<StreetEventsSubscription, StreetEventsSubscriptionVariables>;