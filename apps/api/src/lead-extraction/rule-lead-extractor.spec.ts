import { defaultProfilePath } from '../config/profile.config';
import { loadAssistantProfile } from '../profile/profile.loader';
import type { ConversationTurn } from '../model/model-output';
import { askedField, readUserMessage } from './lead-rules';
import { RuleLeadExtractor } from './rule-lead-extractor';

const profile = loadAssistantProfile(defaultProfilePath());
const question = (name: string): string => {
  const field = profile.fields.find((candidate) => candidate.name === name);
  if (!field?.question) throw new Error(`no question for ${name}`);
  return `Sure, here is some background on that topic.\n\n${field.question}`;
};
const user = (content: string): ConversationTurn => ({ role: 'user', content });
const assistant = (content: string): ConversationTurn => ({ role: 'assistant', content });

describe('RuleLeadExtractor', () => {
  const extractor = new RuleLeadExtractor();
  const extract = (conversation: ConversationTurn[], current = {}) =>
    extractor.extract(profile, conversation, current);

  it('collects every field over a guided conversation of bare answers', async () => {
    const data = await extract([
      user('What is momentum trading?'),
      assistant(question('name')),
      user('Ana Silva'),
      assistant(`Thanks, Ana! ${question('email')}`),
      user('ana.silva@example.com'),
      assistant(question('phone')),
      user('+44 20 7946 0958'),
      assistant(question('goals')),
      user('Build a second income from swing trading'),
      assistant(question('experience')),
      user('Beginner'),
    ]);

    expect(data).toEqual({
      name: 'Ana Silva',
      email: 'ana.silva@example.com',
      phone: '+44 20 7946 0958',
      goals: 'Build a second income from swing trading',
      experience: 'beginner',
    });
  });

  it('reads several details stated in one message', async () => {
    const data = await extract([
      user(
        "Hi, my name is Ana Silva and I'm a beginner. My email is Ana@Example.com, " +
          'my phone number is (555) 123-4567. My goal is to trade part-time next year.',
      ),
    ]);
    expect(data).toEqual({
      name: 'Ana Silva',
      email: 'ana@example.com',
      phone: '(555) 123-4567',
      experience: 'beginner',
      goals: 'Trade part-time next year',
    });
  });

  it.each([
    ["I'm Ana", 'Ana'],
    ['I am Ana Silva.', 'Ana Silva'],
    ["Hello! I'm Jean-Luc from Lyon", 'Jean-Luc'],
    ['call me Bea please', 'Bea'],
    ['my name is ana maria', 'Ana Maria'],
    ['My name is actually Ana, sorry', 'Ana'],
  ])('finds the name in %p', async (message, name) => {
    expect((await extract([user(message)]))['name']).toBe(name);
  });

  it.each([
    "I'm a beginner",
    "I'm new to trading",
    'I am interested in swing trading',
    "I'm Interested In Options",
    'I am not sure',
    "I'm looking for a course",
    'What is your name?',
  ])('finds no name in %p', async (message) => {
    expect((await extract([user(message)]))['name']).toBeUndefined();
  });

  it('takes a short bare answer as the name only when the name was asked for', async () => {
    expect(await extract([user('Ana')])).toEqual({});
    expect(await extract([assistant(question('name')), user('Ana')])).toEqual({ name: 'Ana' });
    expect(await extract([assistant(question('name')), user("it's ana")])).toEqual({ name: 'Ana' });
  });

  it('keeps a question open across an exchange about something else, until given or declined', async () => {
    const aside = [
      user('What is leverage?'),
      assistant('Leverage lets you trade more than you hold.'),
    ];
    expect(await extract([assistant(question('name')), ...aside, user('Ana')])).toEqual({
      name: 'Ana',
    });
    expect(
      await extract([assistant(question('name')), user('no thanks'), ...aside, user('Ana')]),
    ).toEqual({});
  });

  it('does not take a question, a refusal or a level as the name', async () => {
    for (const answer of [
      'Why do you need it?',
      'no thanks',
      'beginner',
      'skip',
      'I would rather not say',
    ]) {
      expect(await extract([assistant(question('name')), user(answer)])).toEqual({});
    }
  });

  it('keeps the latest valid value when the visitor corrects themselves', async () => {
    const data = await extract([
      user('My name is Ana and my email is ana@exmaple.com'),
      assistant(question('phone')),
      user('Oops, my email is ana@example.com actually. And call me Anna.'),
      assistant(question('phone')),
      user('my email is not-an-address'),
    ]);
    expect(data).toEqual({ name: 'Anna', email: 'ana@example.com' });
  });

  it('keeps what was collected before when the conversation no longer shows it', async () => {
    const data = await extract([user('I have some experience')], {
      name: 'Ana',
      email: 'ana@example.com',
    });
    expect(data).toEqual({ name: 'Ana', email: 'ana@example.com', experience: 'intermediate' });
  });

  it.each([
    ["I'm a complete beginner", 'beginner'],
    ['I just started trading last month', 'beginner'],
    ["I've never traded before", 'beginner'],
    ['I have some experience with stocks', 'intermediate'],
    ["I'd say I'm intermediate", 'intermediate'],
    ['I have 2 years of trading experience', 'intermediate'],
    ["I'm an experienced trader", 'advanced'],
    ['I have been trading for 10 years', 'advanced'],
    ['I have 5 years of experience', 'advanced'],
    ['I work as a professional trader', 'advanced'],
  ])('reads the experience in %p', async (message, level) => {
    expect((await extract([user(message)]))['experience']).toBe(level);
  });

  it.each([
    ['new', 'beginner'],
    ['Somewhere between beginner and intermediate', 'beginner'],
    ['some, a little', 'intermediate'],
    ['Advanced.', 'advanced'],
    ['I would say expert', 'advanced'],
  ])('reads the bare answer %p to the experience question', async (answer, level) => {
    expect(await extract([assistant(question('experience')), user(answer)])).toEqual({
      experience: level,
    });
  });

  it('does not read an experience level from a question about levels', async () => {
    expect(await extract([user('Is day trading good for beginners?')])).toEqual({});
    expect(
      await extract([
        assistant(question('experience')),
        user("What's the difference between beginner and advanced?"),
      ]),
    ).toEqual({});
  });

  it.each([
    ['My goal is to retire early.', 'Retire early'],
    ["I'd like to learn how to read candlestick charts", 'Learn how to read candlestick charts'],
    ['I want to build a second income. Thanks!', 'Build a second income'],
    ["I'm hoping to manage my own pension", 'Manage my own pension'],
  ])('reads the goal in %p', async (message, goal) => {
    expect((await extract([user(message)]))['goals']).toBe(goal);
  });

  it.each([
    'I want to know what momentum trading is',
    'I would like to ask about fees',
    'Do I want to use leverage?',
  ])('finds no goal in %p', async (message) => {
    expect((await extract([user(message)]))['goals']).toBeUndefined();
  });

  it('does not take numbers that are not phones', async () => {
    expect(
      await extract([user('I started with 10000000 in 2024-01-15 and made 1234567 trades')]),
    ).toEqual({});
    expect(await extract([user('Call me on 0161 496 0000')])).toEqual({ phone: '0161 496 0000' });
    expect(await extract([assistant(question('phone')), user('07700 900123')])).toEqual({
      phone: '07700 900123',
    });
  });

  it('lets a skipped optional question go without inventing a value', async () => {
    expect(await extract([assistant(question('phone')), user('No thanks')])).toEqual({});
    expect(await extract([assistant(question('goals')), user("I'd rather not say")])).toEqual({});
  });

  it('does not take a bare answer as the asked field when the message says something else', async () => {
    expect(
      await extract([assistant(question('goals')), user('my email is ana@example.com')]),
    ).toEqual({
      email: 'ana@example.com',
    });
  });

  it('reads only the visitor, never the assistant', async () => {
    expect(
      await extract([
        assistant(
          "I'm Max, my email is max@school.example and I'm an expert. Call me on +1 555 010 9999",
        ),
      ]),
    ).toEqual({});
  });
});

describe('askedField', () => {
  it('finds the field the last question of an assistant message asks for', () => {
    expect(askedField(profile, question('email'))?.name).toBe('email');
    expect(
      askedField(profile, 'What is your name? Thanks. Could you share your phone number?')?.name,
    ).toBe('phone');
    expect(askedField(profile, 'Your goals matter. Any other question?')).toBeUndefined();
    expect(askedField(profile, 'Tell me your email address.')).toBeUndefined();
  });

  it('reads every field the profile asks for from its own question', () => {
    for (const field of profile.fields)
      expect(askedField(profile, question(field.name))?.name).toBe(field.name);
  });
});

describe('readUserMessage', () => {
  it('returns raw candidates, validated later', () => {
    expect(readUserMessage(profile, 'my email is ana@example', undefined)).toEqual({});
    expect(readUserMessage(profile, 'I am Ana', undefined)).toEqual({ name: 'Ana' });
  });
});
