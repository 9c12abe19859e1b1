import { Test } from '@nestjs/testing';
import { ModelModule } from '../model/model.module';
import { defaultProfilePath } from '../config/profile.config';
import { ProfileModule } from '../profile/profile.module';
import { loadAssistantProfile } from '../profile/profile.loader';
import { LeadExtractor } from './lead-extractor';
import { LeadExtractionModule } from './lead-extraction.module';
import { ModelLeadExtractor } from './model-lead-extractor';
import { RuleLeadExtractor } from './rule-lead-extractor';
import { RuleLeadReader } from './rule-lead-reader';

describe('LeadExtractionModule', () => {
  const names = ['OPENAI_API_KEY', 'OPENAI_BASE_URL'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));

  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const extractorWith = async (env: Partial<Record<(typeof names)[number], string>>) => {
    for (const name of names) {
      if (env[name] === undefined) delete process.env[name];
      else process.env[name] = env[name];
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        ProfileModule,
        ModelModule.forRoot({ demoLeadReader: RuleLeadReader }),
        LeadExtractionModule,
      ],
    }).compile();
    const extractor = moduleRef.get(LeadExtractor);
    await moduleRef.close();
    return extractor;
  };

  it('uses the phrase rules with the offline demo model', async () => {
    const profile = loadAssistantProfile(defaultProfilePath());
    const extractor = await extractorWith({});
    expect(extractor).toBeInstanceOf(RuleLeadExtractor);
    await expect(
      extractor.extract(profile, [{ role: 'user', content: 'My name is Ana' }], {}),
    ).resolves.toEqual({ name: 'Ana' });
  });

  it('asks the model when a provider is configured', async () => {
    expect(await extractorWith({ OPENAI_API_KEY: 'sk-test' })).toBeInstanceOf(ModelLeadExtractor);
    expect(await extractorWith({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' })).toBeInstanceOf(
      ModelLeadExtractor,
    );
  });
});
