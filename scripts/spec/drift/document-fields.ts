/**
 * The fields of the documents a concept keeps, read from its code by the TypeScript checker:
 * every `this.collection<Doc>("things")` in `<Name>Concept.ts`, with the properties of `Doc`
 * (inherited and imported ones too). Types exist only at compile time, so this is the one way
 * to hold a spec's state against the code.
 */
import ts from "typescript";

/** Collection name -> the field names of its document type, per concept file. */
export type CollectionFields = Map<string, Set<string>>;

export function collectionFieldsOf(files: string[]): Map<string, CollectionFields> {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    strict: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const found = new Map<string, CollectionFields>();
  for (const file of files) {
    const source = program.getSourceFile(file);
    const collections: CollectionFields = new Map();
    if (source !== undefined) visit(source);
    found.set(file, collections);

    function visit(node: ts.Node): void {
      if (ts.isCallExpression(node) && isCollectionCall(node)) {
        const [documentType] = node.typeArguments!;
        const [things] = node.arguments;
        if (documentType !== undefined && things !== undefined && ts.isStringLiteral(things)) {
          const properties = checker.getTypeFromTypeNode(documentType).getProperties();
          collections.set(things.text, new Set(properties.map((property) => property.name)));
        }
      }
      ts.forEachChild(node, visit);
    }
  }
  return found;
}

function isCollectionCall(node: ts.CallExpression): boolean {
  const callee = node.expression;
  return ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword && callee.name.text === "collection" && node.typeArguments !== undefined;
}
