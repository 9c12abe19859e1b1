import { defaultProfilePath } from '../../config/profile.config';
import type { ConversationTurn } from '../model-output';
import { findLeadInConversation } from '../../lead-extraction/lead-rules';
import { RuleLeadReader } from '../../lead-extraction/rule-lead-reader';
import { loadAssistantProfile } from '../../profile/profile.loader';
import { bestKnowledge, DEMO_COMPLETION_MESSAGE, demoReply } from './demo-reply';

const profile = loadAssistantProfile(defaultProfilePath());
// The lead rules the application gives the demo model (`ModelModule.forRoot`).
const leadReader = new RuleLeadReader(profile);
const questionOf = (name: string) =>
  profile.fields.find((field) => field.name === name)?.question as string;
const knowledge = (id: string) =>
  profile.knowledge.find((entry) => entry.id === id)?.answer as string;

/** Plays a conversation: each user message gets the demo model's reply. */
function play(messages: string[]): ConversationTurn[] {
  const conversation: ConversationTurn[] = [];
  for (const content of messages) {
    conversation.push({ role: 'user', content });
    conversation.push({ role: 'assistant', content: demoReply(profile, leadReader, conversation) });
  }
  return conversation;
}

describe('demoReply', () => {
  it('answers the compatibility question from the knowledge base, then asks for the name', () => {
    const reply = demoReply(profile, leadReader, [
      { role: 'user', content: 'What is momentum trading?' },
    ]);
    expect(reply).toBe(`${knowledge('momentum-trading')}\n\n${questionOf('name')}`);
  });

  it('walks from the first question to a complete lead, one field at a time', () => {
    const conversation = play([
      'What is momentum trading?',
      'Ana Silva',
      'ana.silva@example.com',
      '+44 20 7946 0958',
      'I want to build a second income',
      'beginner',
    ]);
    const replies = conversation
      .filter((turn) => turn.role === 'assistant')
      .map((turn) => turn.content);

    expect(replies.slice(1)).toEqual([
      `Thanks, Ana! ${questionOf('email')}`,
      `Thanks, got it. ${questionOf('phone')}`,
      `Thanks, got it. ${questionOf('goals')}`,
      `Thanks, got it. ${questionOf('experience')}`,
      `Thanks, got it. ${DEMO_COMPLETION_MESSAGE}`,
    ]);
    expect(findLeadInConversation(profile, conversation)).toEqual({
      name: 'Ana Silva',
      email: 'ana.silva@example.com',
      phone: '+44 20 7946 0958',
      goals: 'Build a second income',
      experience: 'beginner',
    });
  });

  it('asks an optional field once: a skipped one is not asked again', () => {
    const conversation = play(['Hi, I am Ana', 'ana@example.com', 'no thanks']);
    const last = conversation.at(-1)?.content;
    expect(last).toBe(`No problem.\n\n${questionOf('goals')}`);
  });

  it('asks for a field once: a question in between gets its answer, not the question again', () => {
    const conversation = play(['What is swing trading?', 'How do I choose a position size?']);
    expect(conversation.at(-1)?.content).toBe(knowledge('position-sizing'));
  });

  it('still understands a bare answer to a question asked turns before', () => {
    const conversation = play(['What is swing trading?', 'What is leverage?', 'Ana Silva']);
    expect(conversation.at(-1)?.content).toBe(`Thanks, Ana! ${questionOf('email')}`);
    expect(findLeadInConversation(profile, conversation)).toEqual({ name: 'Ana Silva' });
  });

  it.each([
    ['Arabic', 'ما هو التداول اليومي؟'],
    ['Chinese', '什么是杠杆交易？'],
    ['Spanish', '¿Qué es el análisis técnico'],
    [
      'a long message',
      'I have been reading a lot about the markets lately and honestly I am not sure where to begin',
    ],
  ])('answers %s after the name question instead of calling it an invalid name', (_, message) => {
    const conversation = play(['Hello', message]);
    const reply = conversation.at(-1)?.content;
    expect(reply).toBe(profile.fallback_answer);
    expect(findLeadInConversation(profile, conversation)).toEqual({});
  });

  it.each([
    ['محمد', 'محمد'],
    ['प्रिया शर्मा', 'प्रिया'],
    ['李明', '李明'],
    ['Zoë O’Brien-Smith', 'Zoë'],
  ])('accepts the name %s in any script', (name, first) => {
    const conversation = play(['What is leverage?', name]);
    expect(conversation.at(-1)?.content).toBe(`Thanks, ${first}! ${questionOf('email')}`);
    expect(findLeadInConversation(profile, conversation)).toEqual({ name });
  });

  it('says when a bare answer is not a valid value, and asks again', () => {
    const conversation = play(['My name is Ana', 'ana at example dot com']);
    expect(conversation.at(-1)?.content).toBe(
      `Hmm, that doesn't look like a valid email address.\n\n${questionOf('email')}`,
    );
  });

  it('answers a question asked along with the details', () => {
    const reply = demoReply(profile, leadReader, [
      { role: 'user', content: "I'm Ana. How does leverage work?" },
    ]);
    expect(reply).toBe(`${knowledge('leverage')}\n\nThanks, Ana! ${questionOf('email')}`);
  });

  it('greets small talk and falls back when it has no answer', () => {
    expect(demoReply(profile, leadReader, [{ role: 'user', content: 'Hello!' }])).toBe(
      `${profile.greeting}\n\n${questionOf('name')}`,
    );
    expect(
      demoReply(profile, leadReader, [
        { role: 'user', content: 'Can you recommend a pizza place?' },
      ]),
    ).toBe(`${profile.fallback_answer}\n\n${questionOf('name')}`);
  });

  it('thanks once when the lead completes, then keeps answering without asking', () => {
    const conversation = play([
      "I'm Ana, ana@example.com, and I'm an advanced trader",
      'What is a doji candle?',
      'Thanks!',
    ]);
    const replies = conversation
      .filter((turn) => turn.role === 'assistant')
      .map((turn) => turn.content);

    expect(replies).toEqual([
      `Thanks, Ana! ${DEMO_COMPLETION_MESSAGE}`,
      knowledge('candlesticks'),
      "You're welcome!",
    ]);
  });

  it('announces completion on the turn the last required field arrives', () => {
    const conversation = play(["I'm Ana and I'm a beginner", 'ana@example.com']);
    expect(conversation.at(-1)?.content).toBe(`Thanks, got it. ${DEMO_COMPLETION_MESSAGE}`);
  });

  it('does not ask again at once for a required field just declined', () => {
    const conversation = play(['My name is Ana', 'I would rather not', 'What is leverage?']);
    const replies = conversation
      .filter((turn) => turn.role === 'assistant')
      .map((turn) => turn.content);

    expect(replies[1]).toBe(`No problem.\n\n${questionOf('phone')}`);
    expect(replies[2]).toBe(knowledge('leverage'));
  });

  it('is deterministic', () => {
    const messages = ['What is day trading?', 'Ana', 'ana@example.com'];
    expect(play(messages)).toEqual(play(messages));
  });

  it('greets when there is no user message yet', () => {
    expect(demoReply(profile, leadReader, [])).toBe(`${profile.greeting}\n\n${questionOf('name')}`);
  });
});

describe('bestKnowledge', () => {
  it('prefers the entry whose keywords the message names most, longer phrases weighing more', () => {
    expect(bestKnowledge(profile.knowledge, 'What is momentum trading?')?.id).toBe(
      'momentum-trading',
    );
    expect(bestKnowledge(profile.knowledge, 'Where do I put a stop loss?')?.id).toBe(
      'risk-management',
    );
    expect(bestKnowledge(profile.knowledge, 'SMA or EMA: which moving average?')?.id).toBe(
      'moving-averages',
    );
    expect(bestKnowledge(profile.knowledge, 'technical analysis vs fundamental analysis')?.id).toBe(
      'technical-vs-fundamental',
    );
    expect(bestKnowledge(profile.knowledge, 'Are your courses free?')?.id).toBe(
      'about-the-assistant',
    );
    expect(bestKnowledge(profile.knowledge, 'Ana Silva')).toBeUndefined();
  });
});
