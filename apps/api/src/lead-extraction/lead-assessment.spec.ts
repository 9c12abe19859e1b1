import { defaultProfilePath } from '../config/profile.config';
import { loadAssistantProfile } from '../profile/profile.loader';
import { assessLead, mergeLead } from './lead-assessment';

describe('lead assessment', () => {
  const profile = loadAssistantProfile(defaultProfilePath());

  describe('assessLead', () => {
    it('lists every required field as missing, in profile order, when nothing is collected', () => {
      expect(assessLead(profile, {})).toEqual({
        data_collected: {},
        is_complete: false,
        missing_fields: ['name', 'email', 'experience'],
      });
    });

    it('is complete once every required field holds a valid value, optional ones aside', () => {
      const lead = assessLead(profile, {
        name: 'Ana',
        email: 'ana@example.com',
        experience: 'beginner',
      });
      expect(lead).toEqual({
        data_collected: { name: 'Ana', email: 'ana@example.com', experience: 'beginner' },
        is_complete: true,
        missing_fields: [],
      });
    });

    it('does not count invalid values or unknown fields', () => {
      const lead = assessLead(profile, {
        name: 'Ana',
        email: 'not-an-email',
        experience: 'guru',
        favourite_colour: 'blue',
      });
      expect(lead).toEqual({
        data_collected: { name: 'Ana' },
        is_complete: false,
        missing_fields: ['email', 'experience'],
      });
    });
  });

  describe('mergeLead', () => {
    it('adds valid, normalised candidates and ignores invalid ones', () => {
      expect(
        mergeLead(
          profile,
          { name: 'Ana' },
          { email: ' ANA@Example.com ', phone: '12', experience: 'Advanced' },
        ),
      ).toEqual({ name: 'Ana', email: 'ana@example.com', experience: 'advanced' });
    });

    it('lets a new valid value replace the old one, but not an invalid or missing one', () => {
      const current = { name: 'Ana', email: 'ana@example.com' };
      expect(mergeLead(profile, current, { email: 'ana.silva@example.com' })).toEqual({
        name: 'Ana',
        email: 'ana.silva@example.com',
      });
      expect(mergeLead(profile, current, { email: 'ana at example', name: null })).toEqual(current);
    });

    it('does not change the data it was given', () => {
      const current = { name: 'Ana' };
      mergeLead(profile, current, { name: 'Bea' });
      expect(current).toEqual({ name: 'Ana' });
    });
  });
});
