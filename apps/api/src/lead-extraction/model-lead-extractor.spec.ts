import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import OpenAI from 'openai';
import { modelConfig, type ModelConfig } from '../config/model.config';
import { defaultProfilePath } from '../config/profile.config';
import { loadAssistantProfile } from '../profile/profile.loader';
import type { ConversationTurn } from '../model/model-output';
import { ModelLeadExtractor } from './model-lead-extractor';

/** The model provider, at the network boundary: a local server answering what each test scripts. */
type Answer = (request: { body: any }, res: ServerResponse) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

const API_KEY = 'sk-test-very-secret-key';

describe('ModelLeadExtractor', () => {
  const profile = loadAssistantProfile(defaultProfilePath());
  const conversation: ConversationTurn[] = [
    { role: 'user', content: 'What is momentum trading?' },
    { role: 'assistant', content: 'Momentum trading is... May I have your name?' },
    { role: 'user', content: "I'm Ana, ana@example.com, and I'm a beginner" },
  ];
  let server: Server;
  let baseURL: string;
  let answer: Answer;
  let requests: any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  let extractor: ModelLeadExtractor;
  let warn: jest.SpyInstance;

  const completion = (content: string | null) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'extraction-model',
    choices: [
      { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null },
    ],
  });
  const replyJson = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const request = { body: JSON.parse(text) };
        requests.push(request.body);
        answer(request, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  beforeEach(async () => {
    requests = [];
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const config: Partial<ModelConfig> = {
      extractionModel: 'extraction-model',
      firstTokenTimeoutMs: 5_000,
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        { provide: OpenAI, useValue: new OpenAI({ apiKey: API_KEY, baseURL, maxRetries: 0 }) },
        { provide: modelConfig.KEY, useValue: config },
        ModelLeadExtractor,
      ],
    }).compile();
    extractor = moduleRef.get(ModelLeadExtractor);
  });
  afterEach(() => warn.mockRestore());

  it('asks for structured output built from the profile fields, over the conversation', async () => {
    answer = (_request, res) =>
      replyJson(
        res,
        200,
        completion(
          JSON.stringify({ name: null, email: null, phone: null, experience: null, goals: null }),
        ),
      );

    await extractor.extract(profile, conversation, { name: 'Ana' });

    expect(requests).toHaveLength(1);
    const body = requests[0];
    expect(body.model).toBe('extraction-model');
    expect(body.stream).toBeFalsy();
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'lead',
        strict: true,
        schema: {
          type: 'object',
          properties: Object.fromEntries(
            profile.fields.map((field) => [
              field.name,
              { type: ['string', 'null'], description: expect.any(String) },
            ]),
          ),
          required: ['name', 'email', 'phone', 'goals', 'experience'],
          additionalProperties: false,
        },
      },
    });
    expect(body.response_format.json_schema.schema.properties.experience.description).toContain(
      'One of: beginner, intermediate, advanced.',
    );
    expect(body.messages[0].role).toBe('system');
    expect(body.messages[0].content).toContain('Details already known (JSON): {"name":"Ana"}');
    expect(body.messages[1].content).toContain(
      "VISITOR: I'm Ana, ana@example.com, and I'm a beginner",
    );
    expect(body.messages[1].content).toContain('ASSISTANT: Momentum trading is...');
  });

  it('merges the values the model found, after validating and normalising them', async () => {
    answer = (_request, res) =>
      replyJson(
        res,
        200,
        completion(
          JSON.stringify({
            name: ' Ana  Silva ',
            email: 'ANA@example.com',
            phone: '12',
            experience: 'Beginner',
            goals: null,
          }),
        ),
      );

    const data = await extractor.extract(profile, conversation, {
      name: 'Ana',
      goals: 'Learn to trade',
    });

    expect(data).toEqual({
      name: 'Ana Silva',
      email: 'ana@example.com',
      experience: 'beginner',
      goals: 'Learn to trade',
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('keeps the current data and warns when the answer is not JSON', async () => {
    answer = (_request, res) => replyJson(res, 200, completion('Sure! The name is Ana.'));

    await expect(extractor.extract(profile, conversation, { name: 'Ana' })).resolves.toEqual({
      name: 'Ana',
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('answer is not valid JSON'));
  });

  it('keeps the current data when the answer is JSON but not an object', async () => {
    answer = (_request, res) => replyJson(res, 200, completion('["Ana"]'));

    await expect(
      extractor.extract(profile, conversation, { email: 'ana@example.com' }),
    ).resolves.toEqual({
      email: 'ana@example.com',
    });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('keeps the current data when the provider fails, and never logs the key', async () => {
    answer = (_request, res) =>
      replyJson(res, 401, {
        error: { message: `Incorrect API key provided: ${API_KEY}`, type: 'invalid_request_error' },
      });

    await expect(extractor.extract(profile, conversation, { name: 'Ana' })).resolves.toEqual({
      name: 'Ana',
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('401');
    expect(warn.mock.calls[0][0]).not.toContain(API_KEY);
  });

  it('keeps the current data when the provider cannot be reached', async () => {
    answer = (_request, res) => res.socket?.destroy();

    await expect(extractor.extract(profile, conversation, { name: 'Ana' })).resolves.toEqual({
      name: 'Ana',
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Lead extraction failed'));
  });
});
