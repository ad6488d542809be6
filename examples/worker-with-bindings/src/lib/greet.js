export function greet(greeting, name, punctuation) {
  return `${greeting}, ${name}${punctuation}`;
}
