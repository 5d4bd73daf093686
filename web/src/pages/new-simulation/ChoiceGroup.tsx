import { Radio, SimpleGrid } from '@mantine/core';
import type { Choice } from '#shared/science/spec/choices-for-step.js';

interface ChoiceGroupProps {
  label: string;
  description?: string;
  choices: Choice<string | number>[];
  value: unknown;
  onChange: (value: string | number) => void;
  error?: string | undefined;
  /** Columns from the small breakpoint up (one column on a phone). */
  columns?: number;
}

/**
 * One question of the wizard as radio buttons. A refused option stays in the
 * list, disabled, with the API's reason as its visible description (a tooltip
 * would hide it from the keyboard and from touch screens).
 */
export function ChoiceGroup({
  label,
  description,
  choices,
  value,
  onChange,
  error,
  columns = 2,
}: ChoiceGroupProps) {
  return (
    <Radio.Group
      label={label}
      description={description}
      value={value === undefined || value === null ? null : String(value)}
      onChange={(picked) => {
        const choice = choices.find((option) => String(option.value) === picked);
        if (choice) onChange(choice.value);
      }}
      error={error}
    >
      <SimpleGrid cols={{ base: 1, sm: columns }} spacing="sm" mt="xs">
        {choices.map((choice) => (
          <Radio
            key={String(choice.value)}
            value={String(choice.value)}
            label={choice.label}
            disabled={choice.disabledReason !== undefined}
            description={choice.disabledReason ? `Not available: ${choice.disabledReason}` : undefined}
          />
        ))}
      </SimpleGrid>
    </Radio.Group>
  );
}
