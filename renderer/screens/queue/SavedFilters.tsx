import { useState } from 'react';
import type { QueueSort } from '../../../shared/domain/queue-sort';
import type { RequestFilter } from '../../../shared/ipc/request-schemas';
import { loadSavedFilters, storeSavedFilters, withSaved, type SavedFilter } from './saved-filters';

// Named filters kept on this computer: save the current filter and sort under
// a name, pick one to apply it again, delete one no longer wanted.

interface Props {
  filter: RequestFilter;
  sort: QueueSort;
  onApply(saved: SavedFilter): void;
}

export function SavedFilters({ filter, sort, onApply }: Props) {
  const [list, setList] = useState(loadSavedFilters);
  const [chosen, setChosen] = useState('');
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const keep = (next: SavedFilter[], done: string) => {
    try {
      storeSavedFilters(next);
      setList(next);
      setMessage(done);
    } catch (error) {
      setMessage(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const save = () => {
    let next: SavedFilter[];
    try {
      next = withSaved(list, name, filter, sort);
    } catch (error) {
      setMessage(name.trim() === '' ? 'Give the filter a name first.' : `Not saved: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    keep(next, `Saved “${name.trim()}”.`);
    setChosen(name.trim());
    setName('');
  };
  const apply = (value: string) => {
    setChosen(value);
    const saved = list.find((f) => f.name === value);
    if (saved) {
      onApply(saved);
      setMessage(`Applied “${saved.name}”.`);
    }
  };

  return (
    <div className="saved-filters" role="group" aria-label="Saved filters">
      <label>
        Saved filter
        <select value={chosen} onChange={(e) => apply(e.target.value)} data-testid="saved-filter-select">
          <option value="">{list.length === 0 ? 'None saved yet' : 'Choose one…'}</option>
          {list.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button small"
        disabled={!list.some((f) => f.name === chosen)}
        onClick={() => {
          keep(
            list.filter((f) => f.name !== chosen),
            `Deleted “${chosen}”.`,
          );
          setChosen('');
        }}
      >
        Delete
      </button>
      <label>
        Save current filter as
        <input type="text" value={name} maxLength={60} placeholder="Name" onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && save()} />
      </label>
      <button type="button" className="button small" onClick={save}>
        Save filter
      </button>
      <span role="status" className="hint" data-testid="saved-filter-result">
        {message}
      </span>
    </div>
  );
}
