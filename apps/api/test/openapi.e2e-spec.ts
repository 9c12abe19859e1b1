import { type RunningApi, startApi } from './support/api-server';

describe('OpenAPI document', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('lists every REST and SSE route with its error shape and the event union', async () => {
    const response = await fetch(`${api.baseUrl}/api/docs-json`);
    expect(response.status).toBe(200);
    const document = await response.json();
    const routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'POST /api/chat/stream',
        'GET /api/chat/streams/{streamId}/events',
        'POST /api/chat/streams/{streamId}/cancel',
        'POST /api/chat',
        'GET /api/chat/sessions/{sessionId}',
        'GET /api/chat/profile',
        'GET /api/chat/sessions/{sessionId}/events',
        'POST /api/chat/sessions/{sessionId}/handoff',
        'POST /api/chat/sessions/{sessionId}/typing',
        'GET /api/conversations',
        'GET /api/conversations/events',
        'GET /api/conversations/{sessionId}',
        'GET /api/conversations/{sessionId}/events',
        'POST /api/conversations/{sessionId}/takeover',
        'POST /api/conversations/{sessionId}/release',
        'POST /api/conversations/{sessionId}/messages',
        'POST /api/conversations/{sessionId}/typing',
        'GET /api/health',
        'GET /api/health/ready',
        'POST /api/auth/login',
        'POST /api/auth/logout',
        'GET /api/auth/me',
        'GET /api/admin/users',
        'POST /api/admin/users',
        'PATCH /api/admin/users/{id}',
        'GET /api/admin/api-keys',
        'POST /api/admin/api-keys',
        'DELETE /api/admin/api-keys/{id}',
        'GET /api/leads',
        'GET /api/leads/export.csv',
        'GET /api/leads/events',
        'GET /api/leads/stages',
        'GET /api/leads/unread',
        'GET /api/leads/{leadId}',
        'PATCH /api/leads/{leadId}',
        'POST /api/leads/{leadId}/notes',
        'POST /api/leads/{leadId}/notifications/retry',
        'DELETE /api/leads/{leadId}',
        'GET /api/admin/assistants',
        'POST /api/admin/assistants',
        'POST /api/admin/assistants/{id}/identity-secret',
        'GET /api/admin/assistants/{id}',
        'DELETE /api/admin/assistants/{id}',
        'GET /api/admin/assistants/{id}/export.yaml',
        'GET /api/admin/assistants/{id}/knowledge',
        'POST /api/admin/assistants/{id}/knowledge',
        'POST /api/admin/assistants/{id}/knowledge/search',
        'DELETE /api/admin/assistants/{id}/knowledge/{sourceId}',
        'POST /api/admin/assistants/{id}/knowledge/{sourceId}/refresh',
        'PUT /api/admin/assistants/{id}/draft',
        'POST /api/admin/assistants/{id}/publish',
        'POST /api/admin/assistants/{id}/versions/{n}/restore',
        'GET /api/assistants/{id}',
      ].sort(),
    );
    const schemas = Object.keys(document.components.schemas);
    expect(schemas).toEqual(
      expect.arrayContaining(['StartEventDto', 'ChunkEventDto', 'SourcesEventDto', 'DoneEventDto', 'ErrorEventDto', 'EmailSentEventDto', 'ApiErrorDto']),
    );
    const stream = document.paths['/api/chat/stream'].post;
    expect(Object.keys(stream.responses['200'].content)).toEqual(['text/event-stream']);
    expect(stream.responses['200'].content['text/event-stream'].examples.reply.value).toContain('"type":"chunk"');
    expect(stream.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/ChatRequestDto');
    expect(stream.responses['409'].content['application/json'].schema.$ref).toBe('#/components/schemas/ApiErrorDto');
    // The session token: a security scheme the docs' "Authorize" can fill, on the chat routes.
    expect(document.components.securitySchemes['session-token']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Session-Token' });
    // With a session token, with nothing (a first message), or with an API key.
    expect(document.paths['/api/chat/sessions/{sessionId}'].get.security).toEqual(
      expect.arrayContaining([{ 'session-token': [] }, {}, { 'api-key': [] }]),
    );
    // API keys and staff sessions: both schemes, on the routes that take them.
    expect(document.components.securitySchemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes['staff-session']).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'staff_session' });
    expect(document.paths['/api/admin/api-keys'].post.security).toEqual([{ 'staff-session': [] }]);
    expect(Object.keys(document.paths['/api/admin/api-keys'].post.responses)).toEqual(expect.arrayContaining(['201', '401', '403']));
    // The leads API: for staff or a key with leads:read, with examples.
    expect(document.paths['/api/leads'].get.security).toEqual(expect.arrayContaining([{ 'api-key': [] }, { 'staff-session': [] }]));
    expect(document.components.schemas.LeadSummaryDto.properties.fields.example).toMatchObject({ name: 'Ana Silva' });
    // The lead workflow: staff only, with the field limits in the schema.
    expect(document.paths['/api/leads/{leadId}'].patch.security).toEqual([{ 'staff-session': [] }]);
    expect(document.components.schemas.UpdateLeadDto.properties.tags.maxItems).toBe(20);
    expect(document.components.schemas.LeadDetailDto.properties.activity.type).toBe('array');
    expect(stream.responses['403'].content['application/json'].schema.$ref).toBe('#/components/schemas/ApiErrorDto');
    expect(document.components.schemas.StartEventDto.properties.session_token).toBeDefined();
    // Assistants: staff only, created from JSON or a profile file, described publicly.
    const createAssistant = document.paths['/api/admin/assistants'].post;
    expect(createAssistant.security).toEqual([{ 'staff-session': [] }]);
    expect(Object.keys(createAssistant.requestBody.content)).toEqual(['application/json', 'application/yaml']);
    expect(Object.keys(document.paths['/api/admin/assistants/{id}/export.yaml'].get.responses['200'].content)).toEqual(['application/yaml']);
    // Knowledge: a multipart upload or a page's URL, staff only.
    const uploadKnowledge = document.paths['/api/admin/assistants/{id}/knowledge'].post;
    expect(uploadKnowledge.security).toEqual([{ 'staff-session': [] }]);
    expect(Object.keys(uploadKnowledge.requestBody.content)).toEqual(['multipart/form-data', 'application/json']);
    expect(Object.keys(uploadKnowledge.responses)).toEqual(expect.arrayContaining(['201', '400', '413']));
    expect(document.paths['/api/assistants/{id}'].get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/PublicAssistantDto',
    );
  });

  it('serves the interactive docs', async () => {
    const response = await fetch(`${api.baseUrl}/api/docs`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger-ui');
  });
});
