import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { LeadData } from '@chat/contracts';
import OpenAI from 'openai';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import { modelConfig } from '../config/model.config';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import type { ConversationTurn } from '../model/model-output';
import { mergeLead } from './lead-assessment';
import { LeadExtractor } from './lead-extractor';

/** Turns read per extraction: enough for the details, bounded in tokens; older finds are kept in `current`. */
const MAX_TURNS = 30;

/**
 * Asks the model for the visitor's details as JSON constrained by a schema built from the
 * profile, then validates every value itself. Any failure keeps what was collected before.
 */
@Injectable()
export class ModelLeadExtractor extends LeadExtractor {
  private readonly logger = new Logger(ModelLeadExtractor.name);
  /**
   * The schema and the rules depend on the profile only: built once per assistant version (a
   * version's definition is one object for the process's life), sent with every call.
   */
  private readonly prompts = new WeakMap<
    AssistantProfileDefinition,
    { responseFormat: ResponseFormatJSONSchema; rules: string }
  >();

  constructor(
    private readonly openai: OpenAI,
    @Inject(modelConfig.KEY) private readonly config: ConfigType<typeof modelConfig>,
  ) {
    super();
  }

  async extract(
    profile: AssistantProfileDefinition,
    conversation: ConversationTurn[],
    current: LeadData,
  ): Promise<LeadData> {
    const { responseFormat, rules } = this.promptOf(profile);
    try {
      const completion = await this.openai.chat.completions.create(
        {
          model: this.config.extractionModel,
          messages: [
            {
              role: 'system',
              content: `${rules}\nDetails already known (JSON): ${JSON.stringify(current)}`,
            },
            { role: 'user', content: transcript(conversation.slice(-MAX_TURNS)) },
          ],
          response_format: responseFormat,
        },
        { timeout: this.config.firstTokenTimeoutMs, maxRetries: 1 },
      );
      const content = completion.choices[0]?.message?.content;
      if (!content) throw new Error('empty answer');
      const parsed: unknown = JSON.parse(content);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('answer is not a JSON object');
      }
      return mergeLead(profile, current, parsed as Record<string, unknown>);
    } catch (error) {
      this.logger.warn(
        `Lead extraction failed (${describeFailure(error)}); keeping the details collected so far`,
      );
      return mergeLead(profile, current, {});
    }
  }

  private promptOf(profile: AssistantProfileDefinition) {
    let prompt = this.prompts.get(profile);
    if (!prompt) {
      prompt = {
        responseFormat: {
          type: 'json_schema',
          json_schema: { name: 'lead', strict: true, schema: leadSchema(profile) },
        },
        rules: extractionRules(profile),
      };
      this.prompts.set(profile, prompt);
    }
    return prompt;
  }
}

/** The JSON schema of the answer: every field of the profile, a string or null. */
function leadSchema(profile: AssistantProfileDefinition): Record<string, unknown> {
  const properties = Object.fromEntries(
    profile.fields.map((field) => [
      field.name,
      {
        type: ['string', 'null'],
        description: field.options
          ? `${field.description} One of: ${field.options.join(', ')}.`
          : field.description,
      },
    ]),
  );
  return {
    type: 'object',
    properties,
    required: profile.fields.map((field) => field.name),
    additionalProperties: false,
  };
}

/** The system prompt's fixed part: the task, the profile's fields and the rules. */
function extractionRules(profile: AssistantProfileDefinition): string {
  const fields = profile.fields
    .map(
      (field) =>
        `- ${field.name}: ${field.description}${field.options ? ` (one of: ${field.options.join(', ')})` : ''}`,
    )
    .join('\n');
  return [
    'You extract the details a website visitor gave about themselves in a chat transcript.',
    'Fields:',
    fields,
    'Rules: use only what the VISITOR wrote (never the assistant, never a guess); return null for a field the visitor did not give;',
    'if the visitor corrected a detail, return the corrected value; map experience to one of its allowed values only when the visitor clearly stated it.',
  ].join('\n');
}

function transcript(conversation: readonly ConversationTurn[]): string {
  return conversation
    .map((turn) => `${turn.role === 'user' ? 'VISITOR' : 'ASSISTANT'}: ${turn.content}`)
    .join('\n\n');
}

/** A short reason for the log: the kind of failure and status, never the request or a key. */
function describeFailure(error: unknown): string {
  if (error instanceof OpenAI.APIError)
    return `${error.constructor.name}${error.status ? ` ${error.status}` : ''}`;
  if (error instanceof SyntaxError) return 'answer is not valid JSON';
  return error instanceof Error ? error.message : 'unknown error';
}
