import ts from 'typescript';
import { join } from 'node:path';
import type { JsonSchema } from './json-schema';

/**
 * Response schemas read from the TypeScript types the controllers return (the RPC patterns'
 * response types of libs/contracts/src/rpc, or a controller's own annotation): the types the
 * compiler already holds the code to, turned into JSON Schema with the type checker.
 */
export class TypeSchemas {
  readonly components: Record<string, JsonSchema> = {};
  private readonly checker: ts.TypeChecker;
  private readonly program: ts.Program;
  private readonly named = new Map<ts.Type, string>();

  constructor(
    private readonly root: string,
    files: string[],
  ) {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      { noEmit: true, incremental: false },
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (!config) throw new Error('type-schemas: cannot read tsconfig.json');
    this.program = ts.createProgram({
      rootNames: files.map((f) => join(root, f)),
      options: { ...config.options, noEmit: true, incremental: false },
    });
    this.checker = this.program.getTypeChecker();
  }

  /** Each method of each controller class in `file`: its awaited return type and its source text. */
  controllerMethods(file: string): Map<string, { returnType: ts.Type; text: string }> {
    const source = this.program.getSourceFile(join(this.root, file));
    if (!source) throw new Error(`type-schemas: ${file} is not in the program`);
    const methods = new Map<string, { returnType: ts.Type; text: string }>();
    const visit = (node: ts.Node) => {
      if (ts.isClassDeclaration(node) && node.name) {
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) || !ts.isIdentifier(member.name)) continue;
          const signature = this.checker.getSignatureFromDeclaration(member);
          if (!signature) continue;
          const returned = this.checker.getReturnTypeOfSignature(signature);
          const awaited = this.checker.getAwaitedType(returned) ?? returned;
          methods.set(`${node.name.text}.${member.name.text}`, { returnType: awaited, text: member.getText(source) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return methods;
  }

  isVoid(type: ts.Type): boolean {
    return (type.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) !== 0;
  }

  /** The type without its `string` member (a controller answering JSON or text). */
  withoutString(type: ts.Type): ts.Type | undefined {
    if (!type.isUnion()) return type.flags & ts.TypeFlags.String ? undefined : type;
    const rest = type.types.filter((t) => !(t.flags & ts.TypeFlags.String));
    if (rest.length === 0) return undefined;
    return rest.length === 1 ? rest[0] : type;
  }

  schemaOf(type: ts.Type, depth = 0): JsonSchema {
    if (depth > 40) throw new Error(`type-schemas: ${this.checker.typeToString(type)} nests too deep`);
    const flags = type.flags;
    if (flags & ts.TypeFlags.Any || flags & ts.TypeFlags.Unknown) return {};
    if (flags & ts.TypeFlags.Null) return { type: 'null' };
    if (flags & ts.TypeFlags.StringLiteral) return { type: 'string', const: (type as ts.StringLiteralType).value };
    if (flags & ts.TypeFlags.NumberLiteral) return { type: 'number', const: (type as ts.NumberLiteralType).value };
    if (flags & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', const: this.checker.typeToString(type) === 'true' };
    if (flags & ts.TypeFlags.String || flags & ts.TypeFlags.TemplateLiteral) return { type: 'string' };
    if (flags & ts.TypeFlags.Number) return { type: 'number' };
    if (flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (flags & ts.TypeFlags.BigInt) return { type: 'string' };
    if (type.isUnion()) return this.unionSchema(type, depth);
    if (type.isIntersection()) return this.objectSchema(type, depth);
    if (this.checker.isArrayType(type)) {
      const [element] = this.checker.getTypeArguments(type as ts.TypeReference);
      return { type: 'array', items: this.schemaOf(element, depth + 1) };
    }
    if (this.checker.isTupleType(type)) {
      const elements = this.checker.getTypeArguments(type as ts.TypeReference);
      return {
        type: 'array',
        prefixItems: elements.map((e) => this.schemaOf(e, depth + 1)),
        minItems: elements.length,
        maxItems: elements.length,
      };
    }
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === 'Date') return { type: 'string', format: 'date-time' };
    if (flags & ts.TypeFlags.Object) return this.namedOrInline(type, depth);
    throw new Error(`type-schemas: no JSON Schema for ${this.checker.typeToString(type)}`);
  }

  private unionSchema(type: ts.UnionType, depth: number): JsonSchema {
    const members = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined) && !(t.flags & ts.TypeFlags.Void));
    // boolean is the union true | false.
    const booleans = members.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const rest = members.filter((t) => !(t.flags & ts.TypeFlags.BooleanLiteral));
    const schemas: JsonSchema[] = rest.map((t) => this.schemaOf(t, depth + 1));
    if (booleans.length === 2) schemas.push({ type: 'boolean' });
    else if (booleans.length === 1) schemas.push(this.schemaOf(booleans[0], depth + 1));
    if (schemas.length === 1) return schemas[0];
    // A union of literals of one type is an enum.
    const literalType = schemas.every((s) => s.const !== undefined || s.type === 'null');
    if (literalType) {
      const types = [...new Set(schemas.map((s) => s.type as string))];
      return { type: types.length === 1 ? types[0] : types, enum: schemas.map((s) => (s.type === 'null' ? null : s.const)) };
    }
    const nullable = schemas.some((s) => s.type === 'null');
    const others = schemas.filter((s) => s.type !== 'null');
    if (nullable && others.length === 1) {
      const [only] = others;
      if (typeof only.type === 'string' && !only.$ref) return { ...only, type: [only.type, 'null'] };
      return { oneOf: [only, { type: 'null' }] };
    }
    return { anyOf: schemas };
  }

  private namedOrInline(type: ts.Type, depth: number): JsonSchema {
    const alias = type.aliasSymbol;
    const symbol = alias ?? type.getSymbol();
    const isReusable =
      symbol &&
      !symbol.getName().startsWith('__') &&
      (alias ? !type.aliasTypeArguments?.length : !(type as ts.TypeReference).typeArguments?.length) &&
      (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class)) !== 0;
    if (!isReusable) return this.objectSchema(type, depth);
    const existing = this.named.get(type);
    if (existing) return { $ref: `#/components/schemas/${existing}` };
    let name = symbol.getName();
    for (let n = 2; this.components[name]; n++) name = `${symbol.getName()}${n}`;
    this.named.set(type, name);
    this.components[name] = {};
    this.components[name] = this.objectSchema(type, depth);
    return { $ref: `#/components/schemas/${name}` };
  }

  private objectSchema(type: ts.Type, depth: number): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const propertyType = declaration
        ? this.checker.getTypeOfSymbolAtLocation(property, declaration)
        : this.checker.getTypeOfSymbol(property);
      if (propertyType.getCallSignatures().length > 0) continue; // methods are not JSON
      const schema = this.schemaOf(propertyType, depth + 1);
      const doc = ts.displayPartsToString(property.getDocumentationComment(this.checker)).trim();
      properties[property.getName()] = doc && !schema.$ref ? { ...schema, description: doc } : schema;
      const optional =
        (property.flags & ts.SymbolFlags.Optional) !== 0 ||
        (propertyType.isUnion() && propertyType.types.some((t) => t.flags & ts.TypeFlags.Undefined));
      if (!optional) required.push(property.getName());
    }
    const schema: JsonSchema = { type: 'object', properties };
    if (required.length) schema.required = required;
    const index = this.checker.getIndexInfoOfType(type, ts.IndexKind.String);
    if (index) schema.additionalProperties = this.schemaOf(index.type, depth + 1);
    return schema;
  }
}
