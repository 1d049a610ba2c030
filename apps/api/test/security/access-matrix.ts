// Who may call what: the expected access matrix of the security suite, as data. Every route the running api's
// router holds and every GraphQL root field must have an entry here; a new one without an entry fails the suite
// (apps/api/test/security/access-matrix.e2e-spec.ts), so access is a decision someone wrote down, not a default.
//
// 'public': no token needed. A role: the lowest role allowed (viewer < deployer < admin); every lower role gets
// 403 FORBIDDEN, every caller without a valid token 401 UNAUTHENTICATED. 'graphql': the GraphQL endpoint, which
// authenticates per operation (its fields are in GRAPHQL_ACCESS).
import type { Role } from '@cutover/domain';

export type Access = 'public' | 'graphql' | Role;

/** `METHOD /path` as the router registered it (HEAD routes come with their GET). `*` is a wildcard route. */
export const REST_ACCESS: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  // Prometheus text format; scrapers without a token use the METRICS_PORT listener (not this router).
  'GET /metrics': 'admin',
  // Bull Board (queue-board.setup.ts): every route under /admin/queues is admin-only, assets included.
  'GET /admin/queues': 'admin',
  'GET /admin/queues/api/job-schedulers': 'admin',
  'GET /admin/queues/api/queues': 'admin',
  'GET /admin/queues/api/queues/:queueName/:jobId': 'admin',
  'GET /admin/queues/api/queues/:queueName/:jobId/flow': 'admin',
  'GET /admin/queues/api/queues/:queueName/:jobId/logs': 'admin',
  'GET /admin/queues/api/queues/:queueName/default-job-options': 'admin',
  'GET /admin/queues/api/queues/:queueName/job-data-schema': 'admin',
  'GET /admin/queues/api/queues/:queueName/metrics': 'admin',
  'GET /admin/queues/api/queues/:queueName/rate-limit': 'admin',
  'GET /admin/queues/api/queues/:queueName/workers': 'admin',
  'GET /admin/queues/api/redis/stats': 'admin',
  'GET /admin/queues/job-schedulers': 'admin',
  'GET /admin/queues/metrics-history': 'admin',
  'GET /admin/queues/queue/:queueName': 'admin',
  'GET /admin/queues/queue/:queueName/:jobId': 'admin',
  'GET /admin/queues/static/*': 'admin',
  'PATCH /admin/queues/api/queues/:queueName/:jobId/delay': 'admin',
  'PATCH /admin/queues/api/queues/:queueName/:jobId/priority': 'admin',
  'PATCH /admin/queues/api/queues/:queueName/:jobId/update-data': 'admin',
  'PATCH /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId': 'admin',
  'POST /admin/queues/api/queues/:queueName/add': 'admin',
  'PUT /admin/queues/api/queues/:queueName/:jobId/clean': 'admin',
  'PUT /admin/queues/api/queues/:queueName/:jobId/promote': 'admin',
  'PUT /admin/queues/api/queues/:queueName/:jobId/remove-unprocessed-children': 'admin',
  'PUT /admin/queues/api/queues/:queueName/:jobId/retry': 'admin',
  'PUT /admin/queues/api/queues/:queueName/clean/:queueStatus': 'admin',
  'PUT /admin/queues/api/queues/:queueName/concurrency': 'admin',
  'PUT /admin/queues/api/queues/:queueName/empty': 'admin',
  'PUT /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId/remove': 'admin',
  'PUT /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId/run': 'admin',
  'PUT /admin/queues/api/queues/:queueName/obliterate': 'admin',
  'PUT /admin/queues/api/queues/:queueName/pause': 'admin',
  'PUT /admin/queues/api/queues/:queueName/promote': 'admin',
  'PUT /admin/queues/api/queues/:queueName/rate-limit': 'admin',
  'PUT /admin/queues/api/queues/:queueName/rate-limit/release': 'admin',
  'PUT /admin/queues/api/queues/:queueName/resume': 'admin',
  'PUT /admin/queues/api/queues/:queueName/retry/:queueStatus': 'admin',
  'PUT /admin/queues/api/queues/pause': 'admin',
  'PUT /admin/queues/api/queues/resume': 'admin',
  // API documentation (Swagger UI, its assets, the OpenAPI document as JSON and YAML): public by design.
  'GET /docs': 'public',
  'GET /docs/': 'public',
  'GET /docs/*': 'public',
  'GET /docs/index.html': 'public',
  'GET /docs/LICENSE': 'public',
  'GET /docs/swagger-ui-init.js': 'public',
  'GET /docs/docs/swagger-ui-init.js': 'public',
  'GET /docs-json': 'public',
  'GET /docs-yaml': 'public',
  'GET /graphql': 'graphql',
  'POST /graphql': 'graphql',

  'GET /v1/tokens': 'admin',
  'POST /v1/tokens': 'admin',
  'GET /v1/tokens/:id': 'admin',
  'DELETE /v1/tokens/:id': 'admin',

  'GET /v1/audit': 'viewer',
  'GET /v1/audit/verify': 'viewer',

  'GET /v1/clusters': 'admin',
  'POST /v1/clusters': 'admin',
  'GET /v1/clusters/:name': 'admin',
  'PATCH /v1/clusters/:name': 'admin',
  'DELETE /v1/clusters/:name': 'admin',
  'POST /v1/clusters/:name/check': 'admin',

  'GET /v1/apps': 'viewer',
  'POST /v1/apps': 'admin',
  'GET /v1/apps/:app': 'viewer',
  'DELETE /v1/apps/:app': 'admin',

  'GET /v1/apps/:app/environments': 'viewer',
  'POST /v1/apps/:app/environments': 'admin',
  'GET /v1/apps/:app/environments/:env': 'viewer',
  'PATCH /v1/apps/:app/environments/:env': 'admin',
  'DELETE /v1/apps/:app/environments/:env': 'admin',
  'GET /v1/apps/:app/environments/:env/history': 'viewer',

  'GET /v1/apps/:app/releases': 'viewer',
  'POST /v1/apps/:app/releases': 'deployer',
  'GET /v1/apps/:app/releases/:version': 'viewer',

  'GET /v1/apps/:app/analysis-templates': 'viewer',
  'POST /v1/apps/:app/analysis-templates': 'deployer',
  'GET /v1/apps/:app/analysis-templates/:name': 'viewer',
  'GET /v1/apps/:app/analysis-templates/:name/versions': 'viewer',
  'GET /v1/apps/:app/analysis-templates/:name/versions/:version': 'viewer',

  'GET /v1/deployments': 'viewer',
  'POST /v1/deployments': 'deployer',
  'GET /v1/deployments/:id': 'viewer',
  'POST /v1/deployments/:id/promote': 'deployer',
  'POST /v1/deployments/:id/pause': 'deployer',
  'POST /v1/deployments/:id/resume': 'deployer',
  'POST /v1/deployments/:id/abort': 'deployer',
  'POST /v1/deployments/:id/rollback': 'deployer',
  'POST /v1/deployments/:id/retry': 'deployer',

  // Live events (SSE; a stream ticket may stand in for the token) and the tickets themselves.
  'GET /v1/events': 'viewer',
  'GET /v1/deployments/:id/events': 'viewer',
  'POST /v1/stream-tickets': 'viewer',

  // Dashboard: sign-in (public: it takes the token in its body), the session, the overview, and the static files
  // (public: they hold no data).
  'POST /v1/session': 'public',
  'GET /v1/session': 'viewer',
  'DELETE /v1/session': 'viewer',
  'GET /v1/overview': 'viewer',
  'GET /ui': 'public',
  'GET /ui/*': 'public',

  // Chat identities (admin) and Slack's endpoints (public: Slack signs each request; refused without its signature).
  'POST /v1/chat-identities': 'admin',
  'GET /v1/chat-identities': 'admin',
  'DELETE /v1/chat-identities/:id': 'admin',
  'POST /v1/chatops/slack/commands': 'public',
  'POST /v1/chatops/slack/interactions': 'public',

  // Notification channels (deployer, within scopes) and their deliveries.
  'POST /v1/notification-channels': 'deployer',
  'GET /v1/notification-channels': 'deployer',
  'GET /v1/notification-channels/:id': 'deployer',
  'PATCH /v1/notification-channels/:id': 'deployer',
  'DELETE /v1/notification-channels/:id': 'deployer',
  'GET /v1/notification-channels/:id/deliveries': 'deployer',
  'POST /v1/notification-channels/:id/deliveries/:deliveryId/redeliver': 'deployer',

  // Freeze windows: admins write them; everyone reads them (dashboards and bots ask "is anything frozen now?").
  'POST /v1/freeze-windows': 'admin',
  'GET /v1/freeze-windows': 'viewer',
  'GET /v1/freeze-windows/:id': 'viewer',
  'DELETE /v1/freeze-windows/:id': 'admin',

  // Approvals: any token may try; the environment policy's `from` decides whose approval counts (else 403).
  'POST /v1/deployments/:id/approvals': 'viewer',
  'GET /v1/deployments/:id/approvals': 'viewer',
};

/** `Query.<field>` / `Mutation.<field>`: the lowest role allowed. Every GraphQL operation needs a token. */
export const GRAPHQL_ACCESS: Record<string, Role> = {
  'Query.app': 'viewer',
  'Query.apps': 'viewer',
  'Query.auditLog': 'viewer',
  'Query.auditVerification': 'viewer',
  'Query.cluster': 'admin',
  'Query.clusters': 'admin',
  'Query.deployment': 'viewer',
  'Query.deploymentHistory': 'viewer',
  'Query.deployments': 'viewer',
  'Query.environment': 'viewer',
  'Query.environments': 'viewer',
  'Query.release': 'viewer',
  'Query.releases': 'viewer',
  'Query.analysisTemplates': 'viewer',
  'Query.analysisTemplate': 'viewer',
  'Query.analysisTemplateVersions': 'viewer',
  'Query.tokens': 'admin',
  'Query.chatIdentities': 'admin',
  'Query.notificationChannel': 'deployer',
  'Query.notificationChannels': 'deployer',
  'Query.notificationDeliveries': 'deployer',
  'Query.freezeWindows': 'viewer',
  'Query.planDeployment': 'deployer',
  'Query.deploymentApprovals': 'viewer',

  'Mutation.createApp': 'admin',
  'Mutation.deleteApp': 'admin',
  'Mutation.registerCluster': 'admin',
  'Mutation.updateCluster': 'admin',
  'Mutation.deleteCluster': 'admin',
  'Mutation.checkCluster': 'admin',
  'Mutation.createEnvironment': 'admin',
  'Mutation.updateEnvironment': 'admin',
  'Mutation.deleteEnvironment': 'admin',
  'Mutation.createRelease': 'deployer',
  'Mutation.createAnalysisTemplate': 'deployer',
  'Mutation.createToken': 'admin',
  'Mutation.revokeToken': 'admin',
  'Mutation.createDeployment': 'deployer',
  'Mutation.promoteDeployment': 'deployer',
  'Mutation.pauseDeployment': 'deployer',
  'Mutation.resumeDeployment': 'deployer',
  'Mutation.abortDeployment': 'deployer',
  'Mutation.rollbackDeployment': 'deployer',
  'Mutation.retryDeployment': 'deployer',
  'Mutation.linkChatIdentity': 'admin',
  'Mutation.unlinkChatIdentity': 'admin',
  'Mutation.createNotificationChannel': 'deployer',
  'Mutation.updateNotificationChannel': 'deployer',
  'Mutation.deleteNotificationChannel': 'deployer',
  'Mutation.redeliverNotification': 'deployer',
  'Mutation.createFreezeWindow': 'admin',
  'Mutation.deleteFreezeWindow': 'admin',
  'Mutation.approveDeployment': 'viewer',
};
