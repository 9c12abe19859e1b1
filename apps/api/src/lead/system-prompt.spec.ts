import { defaultProfilePath } from '../config/profile.config';
import { loadAssistantProfile } from '../profile/profile.loader';
import { assessLead } from './lead-assessment';
import { buildSystemPrompt } from './system-prompt';

describe('buildSystemPrompt', () => {
  const profile = loadAssistantProfile(defaultProfilePath());

  it('starts with the persona and the instructions, and asks for the first field', () => {
    const prompt = buildSystemPrompt(profile, assessLead(profile, {}));

    expect(prompt.startsWith(profile.persona.trim())).toBe(true);
    expect(prompt).toContain(profile.instructions.trim());
    expect(prompt).toContain('Nothing collected yet.');
    expect(prompt).toContain('Still needed:\n- Name (`name`, required)');
    expect(prompt).toContain('- Trading experience (`experience`, required): ');
    expect(prompt).toContain('One of: beginner, intermediate, advanced.');
    expect(prompt).toContain('Optional, ask at most once:\n- Phone number (`phone`, optional)');
    expect(prompt).toContain("Next, after answering the visitor's message, ask for: Name.");
  });

  it('shows the collected values, quoted, and moves on to the next missing field', () => {
    const prompt = buildSystemPrompt(
      profile,
      assessLead(profile, { name: 'Ana "the trader" Silva', phone: '+44 20 7946 0958' }),
    );

    expect(prompt).toContain(
      'Already collected (do not ask again):\n- Name: "Ana \\"the trader\\" Silva"\n- Phone number: "+44 20 7946 0958"',
    );
    expect(prompt).not.toContain('(`name`, required)');
    expect(prompt).not.toContain('(`phone`, optional)');
    expect(prompt).toContain(
      "Next, after answering the visitor's message, ask for: Email address.",
    );
  });

  it('tells the model to stop asking once the lead is complete', () => {
    const prompt = buildSystemPrompt(
      profile,
      assessLead(profile, { name: 'Ana', email: 'ana@example.com', experience: 'advanced' }),
    );

    expect(prompt).not.toContain('Still needed');
    expect(prompt).not.toContain('Next, after answering');
    expect(prompt).toContain('Every required detail is collected');
    expect(prompt).toContain('a team member will be in touch');
  });
});

describe('buildSystemPrompt for a lead state seen before', () => {
  const profile = loadAssistantProfile(defaultProfilePath());

  it('gives the same prompt as composing it anew, for equal and for different states', () => {
    const empty = buildSystemPrompt(profile, assessLead(profile, {}));
    const named = buildSystemPrompt(profile, assessLead(profile, { name: 'Ada' }));

    expect(buildSystemPrompt(profile, assessLead(profile, {}))).toBe(empty);
    expect(buildSystemPrompt(profile, assessLead(profile, { name: 'Ada' }))).toBe(named);
    expect(named).not.toBe(empty);
    expect(buildSystemPrompt(profile, assessLead(profile, { name: 'Bob' }))).toContain('- Name: "Bob"');
  });
});
