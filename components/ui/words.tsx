/**
 * Text that wraps between words only: a name with a hyphen in it ("upf-11", "kvm-a04",
 * "set-vf-count") never breaks at the hyphen, and copying the text gives the same characters.
 */
export function Words({ text }: { text: string }) {
  return (
    <>
      {text.split(/(\s+)/).map((part, i) =>
        part.includes('-') ? (
          <span key={i} className="whitespace-nowrap">
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

/** Text with paths in it ("/sys/kernel/iommu_groups"): a path may break after a slash, never inside a name. */
export function PathWords({ text }: { text: string }) {
  return (
    <>
      {text.split(/(\/)/).map((part, i) =>
        part === '/' ? (
          <span key={i}>
            /<wbr />
          </span>
        ) : (
          <Words key={i} text={part} />
        ),
      )}
    </>
  );
}
