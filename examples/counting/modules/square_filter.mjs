// A filter: keeps values that are multiples of `keep_every` and adds their square.
// Returning null rejects the event; an array gives one mapping of field values
// per output buffer (RB_assign order). Counter and timestamp travel along.
export function square_filter(io) {
  const every = Number(io.config.keep_every ?? 1);
  return io.filter((input) => {
    const v = input.fields.value[0];
    if (v % every !== 0) return null;
    return [{ value: v, square: v * v }];
  });
}
